from projects.models import Membership, Partner, Person  # noqa: F401
from projects.permissions import register_scope

register_scope(Partner, "project")
register_scope(Membership, "project")
register_scope(Person, "user__memberships__project")
