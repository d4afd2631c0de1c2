# Short forms read like the long ones, so a page shows one style of date.
SHORT_DATE_FORMAT = "j. F Y"
SHORT_DATETIME_FORMAT = "j. F Y H:i"
