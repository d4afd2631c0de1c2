"""The Django admin's generic messages, marked for the project's core catalogue.

The admin builds its titles, buttons and confirmations by putting a model's
verbose name into a sentence ("Add %s", "The {name} “{obj}” was added
successfully."). Languages that decline nouns or give them a gender cannot say that
with one fixed form of the name: Latvian reads "Pievienot sanāksme" (the nominative
where the accusative belongs) and "sanāksme … sekmīgi pievienots" (a masculine
participle for a feminine noun); Italian reads "Il riunione … è stato aggiunto" and
addresses coordinators with "tu".

The core catalogue (``locale/``) comes first in ``LOCALE_PATHS``, so a msgstr given
for these msgids replaces the admin's own. The project's wording does not decline
the model name: it stands after a colon or in brackets ("Pievienot: sanāksme",
"Ieraksts “Eger” (sanāksme) sekmīgi pievienots."). Where the admin's own wording
already reads right (German, Hungarian, most of Danish) the catalogue repeats it.

Nothing imports this module: it exists so that ``makemessages --no-obsolete`` finds
these msgids in the project's sources and keeps them. Each msgid must stay exactly
as Django writes it (see django/contrib/admin/locale/*/LC_MESSAGES/django.po).
"""
from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

# Page titles and links that carry the model's name.
TITLES = (
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Change selected %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop(" By %(filter_title)s "),
)

# Messages after saving or deleting.
RESULTS = (
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
)

# The change history of an object.
HISTORY = (
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Changed {fields}."),
)

# The delete confirmation pages; "Yes, I’m sure" has a gender in Latvian and Italian.
DELETION = (
    gettext_noop('Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the following related items will be deleted:'),
    gettext_noop("Are you sure you want to delete the selected %(objects_name)s? All of the following objects and their related items will be deleted:"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"),
    gettext_noop("Deleting the selected %(objects_name)s would result in deleting related objects, but your account doesn't have permission to delete the following types of objects:"),
    gettext_noop("Deleting the %(object_name)s '%(escaped_object)s' would require deleting the following protected related objects:"),
    gettext_noop("Deleting the selected %(objects_name)s would require deleting the following protected related objects:"),
    gettext_noop("Deleting %(class_name)s %(instance)s would require deleting the following protected related objects: %(related_objects)s"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("You are authenticated as %(username)s, but are not authorized to access this page. Would you like to login to a different account?"),
)


# The change list's bulk edit; a lazy plural, so that makemessages records both forms.
PLURALS = (
    ngettext_lazy("%(count)s %(name)s was changed successfully.", "%(count)s %(name)s were changed successfully.", "count"),
)
