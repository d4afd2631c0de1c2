# Short forms read like the long ones, so a page shows one style of date.
SHORT_DATE_FORMAT = r"Y. \g\a\d\a j. F"
SHORT_DATETIME_FORMAT = r"Y. \g\a\d\a j. F, H:i"
