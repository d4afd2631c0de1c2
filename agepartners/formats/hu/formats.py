# Short forms read like the long ones, so a page shows one style of date.
SHORT_DATE_FORMAT = "Y. F j."
SHORT_DATETIME_FORMAT = "Y. F j. H:i"
