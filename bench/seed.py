"""A large, realistic data set for the benchmark, written with bulk inserts.

Scale 1 is a hundred partnerships: 100 projects, 600 organisations, 5,000 people,
2,000 meetings with 40,000 participations, 1,000 work groups, 100,000 open tasks,
6,000 news articles in six languages and 50,000 discussion posts. Everything is
derived from one random seed, so two runs at the same scale build the same data.

Apps that are not built yet (news, communication) are skipped: each part looks
for its model and leaves it out when it is missing.

One person is the benchmark's partner (``BENCH_PARTNER_EMAIL``): a partner member
of three projects with a typical load of tasks and meetings, the user the load
generator logs in as.
"""
from __future__ import annotations

import random
import resource
import time
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

BENCH_PARTNER_EMAIL = "partner@bench.example"
BENCH_PASSWORD = "bench-partner-password"
SLUG_PREFIX = "bench-"
BATCH = 5000
LANGS = ["en", "lv", "de", "hu", "it", "da"]

# Country -> (language, time zone, cities, first names, last names)
COUNTRIES: dict[str, tuple[str, str, list[str], list[str], list[str]]] = {
    "LV": ("lv", "Europe/Riga", ["Daugavpils", "Rīga", "Liepāja", "Jelgava", "Rēzekne", "Valmiera", "Ventspils", "Jēkabpils"],
           ["Inese", "Jānis", "Anna", "Andris", "Laura", "Mārtiņš", "Ilze", "Edgars", "Kristīne", "Raimonds", "Santa", "Valdis"],
           ["Kalniņa", "Bērziņš", "Ozola", "Liepiņš", "Krūmiņa", "Jansons", "Zariņa", "Vītols", "Balode", "Kļaviņš", "Pētersone", "Strazdiņš"]),
    "DE": ("de", "Europe/Berlin", ["Magdeburg", "Halle", "Leipzig", "Dessau", "Potsdam", "Rostock", "Erfurt", "Kassel"],
           ["Katrin", "Thomas", "Sabine", "Michael", "Julia", "Stefan", "Anja", "Jens", "Birgit", "Frank", "Claudia", "Uwe"],
           ["Hoffmann", "Schulz", "Becker", "Fischer", "Wagner", "Richter", "Klein", "Wolf", "Neumann", "Krüger", "Braun", "Lange"]),
    "HU": ("hu", "Europe/Budapest", ["Pécs", "Szeged", "Debrecen", "Győr", "Eger", "Kecskemét", "Sopron", "Miskolc"],
           ["Zsófia", "Gábor", "Katalin", "László", "Eszter", "Péter", "Anikó", "Zoltán", "Réka", "Attila", "Judit", "Balázs"],
           ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp"]),
    "IT": ("it", "Europe/Rome", ["Bologna", "Torino", "Padova", "Perugia", "Lecce", "Trento", "Parma", "Ancona"],
           ["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Andrea", "Elena", "Paolo", "Silvia", "Matteo", "Federica", "Stefano"],
           ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa", "Fontana"]),
    "DK": ("da", "Europe/Copenhagen", ["Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Randers", "Horsens", "Kolding"],
           ["Mette", "Lars", "Hanne", "Søren", "Camilla", "Henrik", "Louise", "Jesper", "Pia", "Morten", "Sofie", "Rasmus"],
           ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen"]),
    "EE": ("en", "Europe/Tallinn", ["Tartu", "Pärnu", "Narva", "Viljandi"],
           ["Mari", "Kristjan", "Liis", "Tanel", "Kadri", "Margus"], ["Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk"]),
    "PL": ("en", "Europe/Warsaw", ["Lublin", "Gdańsk", "Poznań", "Toruń"],
           ["Agnieszka", "Piotr", "Magdalena", "Tomasz", "Katarzyna", "Marcin"],
           ["Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"]),
}
COUNTRY_WEIGHTS = {"LV": 3, "DE": 3, "HU": 2, "IT": 2, "DK": 2, "EE": 1, "PL": 1}

ORG_KINDS = [
    ("municipality", "{city} City Council"),
    ("municipality", "Municipality of {city}"),
    ("training", "{city} Vocational Training Centre"),
    ("university", "University of {city}"),
    ("ngo", "{city} Association of Local Authorities"),
    ("ngo", "{city} Civic Initiative Centre"),
    ("company", "{city} Regional Development Agency"),
    ("training", "{city} Adult Education Institute"),
    ("other", "{city} Public Library"),
    ("municipality", "{city} Social Services Department"),
]

PROJECT_THEMES = [
    "Administration go Europe!", "Digital Municipalities", "Green Skills for Local Government",
    "Smart Public Services", "Citizens First", "Open Town Halls", "Youth in Local Democracy",
    "Energy-Wise Cities", "Inclusive Social Services", "Lifelong Learning in Administration",
    "Cross-Border Cooperation Academy", "Transparent Procurement", "Age-Friendly Towns",
    "Cultural Heritage Management", "Mobility for Public Servants", "E-Government Pathways",
    "Quality in Public Administration", "Water for Tomorrow", "Rural Development Network", "Healthy Schools",
]
PROJECT_SUFFIXES = ["", " II", " Plus", " Network", " Lab"]
PROGRAMMES = [
    ("Lifelong Learning Programme", "Leonardo da Vinci Partnerships", "State Education Development Agency"),
    ("Lifelong Learning Programme", "Grundtvig Learning Partnerships", "National Agency for Lifelong Learning"),
    ("Erasmus+", "KA2 Cooperation Partnerships", "Erasmus+ National Agency"),
    ("Interreg Baltic Sea Region", "Capacity for Sustainable Development", "Interreg Joint Secretariat"),
]
WORK_GROUPS = [
    "Training needs analysis", "Dissemination", "Quality assurance", "Study visits", "Evaluation",
    "Website and newsletter", "Final report", "Mobility planning", "Good practice catalogue", "Budget and reporting",
]
TASK_VERBS = ["Prepare", "Translate", "Review", "Send", "Collect", "Draft", "Upload", "Summarise", "Plan", "Check"]
TASK_OBJECTS = [
    "the agenda for the next partner meeting", "the questionnaire on training needs", "the interim report",
    "photos from the study visit", "the dissemination plan", "the list of participants", "the newsletter article",
    "the evaluation forms", "the mobility certificates", "the good practice examples", "the budget overview",
    "the minutes of the last meeting", "the press release", "the website update", "the attendance lists",
]
MEETING_KINDS = ["partner_meeting", "partner_meeting", "seminar", "conference", "workgroup_session", "online"]
NEWS_TITLES = {
    "en": ["Partners met in {city}", "Study visit to {city} completed", "New training materials published", "Seminar on public services in {city}"],
    "lv": ["Partneri tikās {city}", "Noslēgusies pieredzes apmaiņas vizīte {city}", "Publicēti jauni mācību materiāli", "Seminārs par publiskajiem pakalpojumiem {city}"],
    "de": ["Partner trafen sich in {city}", "Studienbesuch in {city} abgeschlossen", "Neue Schulungsmaterialien veröffentlicht", "Seminar zu öffentlichen Dienstleistungen in {city}"],
    "hu": ["A partnerek {city} városában találkoztak", "Befejeződött a tanulmányút ({city})", "Új képzési anyagok jelentek meg", "Szeminárium a közszolgáltatásokról ({city})"],
    "it": ["I partner si sono incontrati a {city}", "Conclusa la visita di studio a {city}", "Pubblicati nuovi materiali formativi", "Seminario sui servizi pubblici a {city}"],
    "da": ["Partnerne mødtes i {city}", "Studiebesøg i {city} afsluttet", "Nye undervisningsmaterialer offentliggjort", "Seminar om offentlige ydelser i {city}"],
}
NEWS_BODIES = {
    "en": "Representatives of the partner organisations discussed the results of the last period, agreed on the next steps and visited local institutions. ",
    "lv": "Partnerorganizāciju pārstāvji apsprieda iepriekšējā perioda rezultātus, vienojās par nākamajiem soļiem un apmeklēja vietējās iestādes. ",
    "de": "Vertreterinnen und Vertreter der Partnerorganisationen besprachen die Ergebnisse des letzten Zeitraums, vereinbarten die nächsten Schritte und besuchten örtliche Einrichtungen. ",
    "hu": "A partnerszervezetek képviselői megvitatták az előző időszak eredményeit, megállapodtak a következő lépésekről és helyi intézményeket látogattak meg. ",
    "it": "I rappresentanti delle organizzazioni partner hanno discusso i risultati dell'ultimo periodo, concordato i prossimi passi e visitato le istituzioni locali. ",
    "da": "Repræsentanter for partnerorganisationerne drøftede resultaterne fra den seneste periode, aftalte de næste skridt og besøgte lokale institutioner. ",
}
POST_LINES = [
    "Thank you all for the productive meeting, the minutes are attached.",
    "Could everyone confirm their travel dates by Friday?",
    "The questionnaire is now available in all partner languages.",
    "We have uploaded the photos from the study visit.",
    "Please send your comments on the draft report before the deadline.",
    "Our municipality will host the seminar in spring; details follow.",
    "The national agency asked for the list of mobilities, I will compile it.",
    "Good news: the local newspaper published an article about our project.",
]


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float | None = None

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _bulk(model: type[models.Model], objs: Sequence[models.Model], counts: Counts, name: str | None = None) -> list[Any]:
    created = model.objects.bulk_create(objs, batch_size=BATCH)
    counts.add(name or model._meta.label, len(objs))
    return created


def _through_rows(model: type[models.Model], field_name: str, pairs: Iterable[tuple[int, int]], counts: Counts) -> None:
    """Bulk insert the rows of an M2M table: (source id, target id) pairs."""
    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    src = m2m.m2m_field_name() + "_id"
    dst = m2m.m2m_reverse_field_name() + "_id"
    objs = [through(**{src: a, dst: b}) for a, b in pairs]
    through.objects.bulk_create(objs, batch_size=BATCH, ignore_conflicts=True)
    counts.add(f"{model._meta.label}.{field_name}", len(objs))


def _set_translated(obj: models.Model, name: str, values: dict[str, str]) -> None:
    """Fill every language column of a modeltranslation field (and the base column)."""
    for lang, value in values.items():
        if hasattr(obj, f"{name}_{lang}"):
            setattr(obj, f"{name}_{lang}", value)
    setattr(obj, name, values.get("en", next(iter(values.values()))))


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
        return True
    except Exception:  # FieldDoesNotExist
        return False


class Seeder:
    def __init__(self, scale: float, seed: int = 2012, today: date | None = None, out: Callable[[str], None] = print) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.out = out
        self.counts = Counts()
        self.password_hash = make_password(BENCH_PASSWORD)

    def n(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.scale))

    # --- helpers -----------------------------------------------------------------------

    def _timed(self, name: str, fn: Callable[[], None]) -> None:
        start = time.perf_counter()
        fn()
        self.counts.seconds[name] = round(time.perf_counter() - start, 2)
        self.out(f"  {name:<16} {self.counts.seconds[name]:6.2f} s")

    def run(self) -> Counts:
        from projects.models import Project

        if Project.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise RuntimeError("This database already holds bench data; seed a fresh database (bench/run.sh recreates it).")
        start = time.perf_counter()
        with transaction.atomic():
            self._timed("organisations", self.organisations)
            self._timed("projects", self.projects)
            self._timed("people", self.people)
            self._timed("meetings", self.meetings)
            self._timed("workgroups", self.workgroups)
            self._timed("news", self.news)
            self._timed("discussions", self.discussions)
        # A live database is vacuumed and analysed by autovacuum; a freshly bulk-loaded one
        # is not yet: without this, index-only scans would still visit every row.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" and not connection.in_atomic_block else "ANALYZE")
        self.counts.seconds["total"] = round(time.perf_counter() - start, 2)
        # Peak RSS of the seeding process (ru_maxrss is in KiB on Linux): batches keep it flat.
        self.counts.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return self.counts

    # --- projects app ------------------------------------------------------------------

    def organisations(self) -> None:
        from projects.models import Organisation

        countries = list(COUNTRY_WEIGHTS)
        weights = [COUNTRY_WEIGHTS[c] for c in countries]
        names: set[str] = set()
        objs = []
        target = self.n(600, 6)
        while len(objs) < target:
            country = self.rng.choices(countries, weights)[0]
            city = self.rng.choice(COUNTRIES[country][2])
            kind, pattern = self.rng.choice(ORG_KINDS)
            name = pattern.format(city=city)
            if name in names:
                name = f"{name} ({len([n for n in names if n.startswith(name)]) + 1})"
            names.add(name)
            objs.append(Organisation(name=name, kind=kind, country=country, city=city,
                                     website=f"https://{slugify(name)[:40]}.example"))
        self.orgs = _bulk(Organisation, objs, self.counts)

    def projects(self) -> None:
        from projects.models import Partner, Project

        self.projects_list: list[Project] = []
        objs = []
        count = self.n(100)
        for i in range(count):
            theme = PROJECT_THEMES[i % len(PROJECT_THEMES)]
            suffix = PROJECT_SUFFIXES[(i // len(PROJECT_THEMES)) % len(PROJECT_SUFFIXES)]
            title = theme + suffix + (f" {i // 100 + 1}" if i >= 100 else "")
            programme, sub, agency = self.rng.choice(PROGRAMMES)
            # Most partnerships are running now; some ended, some begin soon.
            start = self.today - timedelta(days=self.rng.randint(-90, 600))
            end = start + timedelta(days=self.rng.choice([730, 730, 1095]))
            acronym = "".join(w[0] for w in title.replace("-", " ").split() if w[0].isalpha()).upper()[:10]
            project = Project(
                title=title, acronym=acronym, slug=f"{SLUG_PREFIX}{i + 1:04d}-{slugify(title)[:50]}",
                programme=programme, sub_programme=sub, funding_agency=agency,
                agreement_number=f"2012-1-LV1-LEO04-{3000 + i:05d}", agreement_date=start - timedelta(days=30),
                start_date=start, end_date=end, coordinating_organisation=self.orgs[(i * 6) % len(self.orgs)],
                time_zone="Europe/Riga", is_public=self.rng.random() < 0.7,
            )
            _set_translated(project, "aim", {
                lang: f"{title}: {NEWS_BODIES[lang]}" for lang in LANGS
            })
            objs.append(project)
        self.projects_list = _bulk(Project, objs, self.counts)
        # Six partners per project; the coordinating organisation first.
        partners = []
        self.project_orgs: dict[int, list[Any]] = {}
        for i, project in enumerate(self.projects_list):
            orgs = [self.orgs[(i * 6 + k) % len(self.orgs)] for k in range(6)]
            orgs = list(dict.fromkeys(orgs))
            self.project_orgs[project.pk] = orgs
            for k, org in enumerate(orgs):
                partners.append(Partner(project=project, organisation=org, role="coordinator" if k == 0 else "partner",
                                        contracted_mobilities=self.rng.randint(4, 24)))
        _bulk(Partner, partners, self.counts)

    def people(self) -> None:
        from allauth.account.models import EmailAddress

        from projects.models import Membership, Person

        User = get_user_model()
        target = self.n(5000, 10)
        # Only ids are kept (50,000 people at scale 10): users, their e-mail addresses and
        # persons go in one batch at a time.
        self.user_ids: list[int] = []
        org_of: list[int] = []
        for start in range(0, target, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, target)):
                if i == 0:
                    org = self.project_orgs[self.projects_list[0].pk][1]
                    first, last, email = "Katrin", "Hoffmann", BENCH_PARTNER_EMAIL
                else:
                    org = self.orgs[i % len(self.orgs)]
                    _lang, _tz, _cities, firsts, lasts = COUNTRIES[str(org.country)]
                    first, last = self.rng.choice(firsts), self.rng.choice(lasts)
                    email = f"{slugify(first)}.{slugify(last)}.{i}@{slugify(org.city) or 'mail'}.example"
                batch.append((User(username=email, email=email, first_name=first, last_name=last,
                                   password=self.password_hash, is_active=True,
                                   date_joined=timezone.now() - timedelta(days=self.rng.randint(1, 900))), org))
            users = _bulk(User, [u for u, _org in batch], self.counts)
            _bulk(EmailAddress, [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users],
                  self.counts)
            people = []
            for user, (_u, org) in zip(users, batch):
                lang, tz, *_rest = COUNTRIES[str(org.country)]
                if self.rng.random() < 0.15:
                    lang = "en"
                if user.email == BENCH_PARTNER_EMAIL:
                    lang, tz = "de", "Europe/Berlin"
                people.append(Person(user_id=user.pk, organisation_id=org.pk, language=lang, time_zone=tz,
                                     position=self.rng.choice(["Project manager", "International officer", "Specialist", "Head of department", "Assistant"]),
                                     # Hour 0: every reminder is due whenever the benchmark sweeps.
                                     reminder_hour=0))
                self.user_ids.append(user.pk)
                org_of.append(org.pk)
            _bulk(Person, people, self.counts)
        self.partner_id = self.user_ids[0]
        # Members of a project: the people of its partner organisations, plus a few
        # who work in two projects. The bench partner is a member of three.
        org_people: dict[int, list[int]] = {}
        for user_id, org_id in zip(self.user_ids, org_of):
            org_people.setdefault(org_id, []).append(user_id)
        self.project_members: dict[int, list[int]] = {}
        memberships: dict[tuple[int, int], str] = {}
        for project in self.projects_list:
            members = [u for org in self.project_orgs[project.pk] for u in org_people.get(org.pk, [])]
            if not members:
                members = self.rng.sample(self.user_ids, min(len(self.user_ids), 5))
            self.project_members[project.pk] = members
            for k, user_id in enumerate(members):
                role = "coordinator" if k == 0 else ("observer" if self.rng.random() < 0.08 else "member")
                memberships[(user_id, project.pk)] = role
        extra = self.rng.sample(self.user_ids, max(1, len(self.user_ids) // 10))
        for user_id in extra:
            project = self.rng.choice(self.projects_list)
            if (user_id, project.pk) not in memberships:
                memberships[(user_id, project.pk)] = "member"
                self.project_members[project.pk].append(user_id)
        partner = self.partner_id
        for project in self.projects_list[:3]:
            memberships[(partner, project.pk)] = "member"
            if partner not in self.project_members[project.pk]:
                self.project_members[project.pk].append(partner)
        _bulk(Membership, [Membership(user_id=u, project_id=p, role=r) for (u, p), r in memberships.items()], self.counts)
        staff = {u for (u, _p), r in memberships.items() if r == "coordinator"}
        User.objects.filter(pk__in=staff).update(is_staff=True)

    # --- meetings ----------------------------------------------------------------------

    def meetings(self) -> None:
        Meeting = _model("meetings.Meeting")
        Participation = _model("meetings.Participation")
        # (pk, project id, start, end) of every meeting: what participations and tasks need.
        self.meetings_list: list[tuple[int, int, datetime, datetime]] = []
        if Meeting is None:
            return
        per_project = max(1, self.n(2000) // len(self.projects_list))
        objs: list[Any] = []

        def flush() -> None:
            for m in _bulk(Meeting, objs, self.counts):
                self.meetings_list.append((m.pk, m.project_id, m.starts_at, m.ends_at))
            objs.clear()

        for project in self.projects_list:
            orgs = self.project_orgs[project.pk]
            span = (project.end_date - project.start_date).days
            for k in range(per_project):
                host = orgs[k % len(orgs)]
                lang, tz, *_rest = COUNTRIES[str(host.country)]
                day = project.start_date + timedelta(days=int(span * (k + 0.5) / per_project))
                starts = datetime.combine(day, dtime(9, 30), tzinfo=zoneinfo.ZoneInfo(tz))
                kind = MEETING_KINDS[k % len(MEETING_KINDS)]
                title = {"partner_meeting": f"Partner meeting {k + 1} in {host.city}",
                         "seminar": f"Seminar in {host.city}", "conference": f"Conference in {host.city}",
                         "workgroup_session": f"Work-group session {k + 1}", "online": f"Online meeting {k + 1}"}[kind]
                status = "held" if day < self.today else ("confirmed" if self.rng.random() < 0.6 else "planned")
                meeting = Meeting(project=project, title=title, kind=kind, host_organisation=host, city=host.city,
                                  country=host.country, venue=f"{host.name}, conference hall",
                                  address=f"Main street {self.rng.randint(1, 120)}, {host.city}",
                                  venue_time_zone=tz, starts_at=starts,
                                  ends_at=starts + timedelta(days=self.rng.choice([0, 1, 2]), hours=8), status=status)
                if kind == "online":
                    meeting.online_url = f"https://meet.example/{project.pk}-{k}"
                objs.append(meeting)
                if len(objs) >= BATCH:
                    flush()
        flush()
        if Participation is None:
            return
        per_meeting = max(1, self.n(40000) // max(1, len(self.meetings_list)))
        parts: list[Any] = []
        partner = self.partner_id
        for meeting_id, project_id, starts_at, ends_at in self.meetings_list:
            members = self.project_members[project_id]
            chosen = self.rng.sample(members, min(per_meeting, len(members)))
            if partner in members and partner not in chosen:
                chosen[-1] = partner
            past = starts_at.date() < self.today
            for user_id in chosen:
                response = self.rng.choices(["attending", "not_attending", "maybe", "no_answer"], [6, 1, 1, 2])[0]
                parts.append(Participation(
                    meeting_id=meeting_id, user_id=user_id, response=response,
                    arrival_date=starts_at.date() - timedelta(days=1) if response == "attending" else None,
                    departure_date=ends_at.date() + timedelta(days=1) if response == "attending" else None,
                    attended=(response == "attending") if past else None,
                    responded_at=None if response == "no_answer" else starts_at - timedelta(days=20),
                ))
            if len(parts) >= BATCH:
                _bulk(Participation, parts, self.counts)
                parts = []
        _bulk(Participation, parts, self.counts)

    # --- work groups -------------------------------------------------------------------

    def workgroups(self) -> None:
        WorkGroup = _model("workgroups.WorkGroup")
        Task = _model("workgroups.Task")
        if WorkGroup is None:
            return
        per_project = max(1, min(len(WORK_GROUPS), self.n(1000) // len(self.projects_list)))
        groups = []
        for project in self.projects_list:
            orgs = self.project_orgs[project.pk]
            for k in range(per_project):
                groups.append(WorkGroup(project=project, name=WORK_GROUPS[k],
                                        purpose=f"{WORK_GROUPS[k]} for {project.title}.",
                                        lead_organisation=orgs[k % len(orgs)]))
        groups = _bulk(WorkGroup, groups, self.counts)
        member_pairs = []
        for group in groups:
            members = self.project_members[group.project_id]
            for user_id in self.rng.sample(members, min(6, len(members))):
                member_pairs.append((group.pk, user_id))
        _through_rows(WorkGroup, "members", member_pairs, self.counts)
        if Task is None:
            return
        per_group = max(1, self.n(100000) // len(groups))
        meetings_by_project: dict[int, list[int]] = {}
        for meeting_id, project_id, _starts, _ends in self.meetings_list:
            meetings_by_project.setdefault(project_id, []).append(meeting_id)
        # A million tasks at scale 10: each batch is inserted with its responsible people
        # and organisations, then dropped, so memory stays flat.
        tasks: list[Any] = []

        def flush() -> None:
            people_pairs, org_pairs = [], []
            for task in _bulk(Task, tasks, self.counts):
                project_id = task.work_group.project_id
                members = self.project_members[project_id]
                for user_id in self.rng.sample(members, min(len(members), self.rng.choice([1, 1, 2]))):
                    people_pairs.append((task.pk, user_id))
                org_pairs.append((task.pk, self.rng.choice(self.project_orgs[project_id]).pk))
            _through_rows(Task, "responsible_people", people_pairs, self.counts)
            _through_rows(Task, "responsible_organisations", org_pairs, self.counts)
            tasks.clear()

        for group in groups:
            project_meetings = meetings_by_project.get(group.project_id)
            for k in range(per_group):
                verb, obj = self.rng.choice(TASK_VERBS), self.rng.choice(TASK_OBJECTS)
                # Every task is open: deadlines from two months overdue to a year ahead,
                # so the sweep meets every reminder day (7, 1, 0) and overdue repeats.
                deadline = self.today + timedelta(days=self.rng.randint(-60, 365))
                tasks.append(Task(
                    work_group=group, title=f"{verb} {obj}",
                    description=f"{verb} {obj} and share it with the partners in the work group '{group.name}'.",
                    deadline=deadline, status="open" if self.rng.random() < 0.7 else "in_progress",
                    meeting_id=self.rng.choice(project_meetings) if project_meetings and self.rng.random() < 0.3 else None,
                ))
                if len(tasks) >= BATCH:
                    flush()
        flush()

    # --- news and discussions ------------------------------------------------------------

    def news(self) -> None:
        Article = _model("news.Article")
        if Article is None:
            return
        per_project = max(1, self.n(6000) // len(self.projects_list))
        now = timezone.now()
        objs = []
        for project in self.projects_list:
            orgs = self.project_orgs[project.pk]
            members = self.project_members[project.pk]
            for k in range(per_project):
                host = orgs[k % len(orgs)]
                original = COUNTRIES[str(host.country)][0]
                if original == "en" and self.rng.random() < 0.5:
                    original = "lv"
                # Most articles exist in all six languages; some only in the original and English.
                languages = LANGS if self.rng.random() < 0.75 else list(dict.fromkeys([original, "en"]))
                pattern = k % len(NEWS_TITLES["en"])
                article = Article(
                    project=project, slug=f"{slugify(NEWS_TITLES['en'][pattern].format(city=host.city))[:90]}-{k + 1}",
                    original_language=original, audience="public" if self.rng.random() < 0.7 else "members",
                    status="published" if self.rng.random() < 0.95 else "draft",
                    publish_at=now - timedelta(days=self.rng.randint(0, 700), minutes=self.rng.randint(0, 1440)),
                    author_id=self.rng.choice(members), prepared_by_name=self._name(self.rng.choice(members)),
                    notified_at=now,
                )
                for lang in languages:
                    title = NEWS_TITLES[lang][pattern].format(city=host.city)
                    setattr(article, f"title_{lang}", title)
                    setattr(article, f"summary_{lang}", NEWS_BODIES[lang].strip())
                    setattr(article, f"body_{lang}", "".join(f"<p>{NEWS_BODIES[lang]}</p>" for _ in range(4)))
                article.title = getattr(article, f"title_{original}")
                objs.append(article)
                # Wide rows (six languages of text): smaller batches.
                if len(objs) >= BATCH // 5:
                    _bulk(Article, objs, self.counts)
                    objs = []
        _bulk(Article, objs, self.counts)

    def _name(self, user_id: int) -> str:
        """A person's full name, read once per person (articles record who prepared them)."""
        names: dict[int, str] | None = getattr(self, "_names", None)
        if names is None:
            names = self._names = {
                pk: f"{first} {last}".strip()  # User.get_full_name()
                for pk, first, last in get_user_model().objects.values_list("pk", "first_name", "last_name").iterator()
            }
        return names[user_id]

    def discussions(self) -> None:
        Thread = _model("communication.Thread")
        Post = _model("communication.Post")
        if Thread is None or Post is None:
            return
        from communication.markup import render_markdown

        rendered = {line: render_markdown(line) for line in POST_LINES}
        posts_total = self.n(50000)
        per_thread = 10
        threads_per_project = max(1, posts_total // per_thread // len(self.projects_list))
        now = timezone.now()
        threads: list[Any] = []
        plans: list[tuple[list[int], list[datetime]]] = []

        def flush() -> None:
            posts = []
            for thread, (members, times) in zip(_bulk(Thread, threads, self.counts), plans):
                for moment in times:
                    line = self.rng.choice(POST_LINES)
                    posts.append(Post(thread_id=thread.pk, author_id=self.rng.choice(members), body=line,
                                      body_html=rendered[line], created_at=moment))
            _bulk(Post, posts, self.counts)
            threads.clear()
            plans.clear()

        for project in self.projects_list:
            members = self.project_members[project.pk]
            for k in range(threads_per_project):
                started = now - timedelta(days=self.rng.randint(1, 600))
                times = sorted(started + timedelta(hours=self.rng.randint(0, 24 * 30)) for _ in range(per_thread))
                threads.append(Thread(project=project, title=f"{self.rng.choice(TASK_VERBS)} {self.rng.choice(TASK_OBJECTS)}",
                                      author_id=self.rng.choice(members), created_at=started,
                                      last_activity_at=times[-1], reply_count=per_thread - 1))
                plans.append((members, times))
                if len(threads) >= BATCH // per_thread:
                    flush()
        flush()


def double_projects(project_ids: Iterable[int]) -> dict[str, int]:
    """Copy every meeting (with its participations), task (with its responsible people
    and organisations), news article and discussion (with its posts) of these projects
    once: the benchmark's check that a page's queries do not grow with the data.

    Copies go in with bulk inserts, a batch at a time, like the seeder's rows."""
    from communication.models import Post, Thread
    from meetings.models import Meeting, Participation
    from news.models import Article
    from workgroups.models import Task

    ids = sorted(set(project_ids))
    copied: dict[str, int] = {}

    def copy(objs: list[Any], change: Callable[[Any], None]) -> dict[int, int]:
        """Insert a copy of each object; returns old pk -> new pk."""
        old = [o.pk for o in objs]
        for o in objs:
            o.pk = None
            o._state.adding = True
            change(o)
        created = type(objs[0]).objects.bulk_create(objs, batch_size=BATCH) if objs else []
        return dict(zip(old, (o.pk for o in created)))

    def same(o: Any) -> None:
        pass

    def later(o: Any) -> None:
        o.starts_at += timedelta(days=3)
        o.ends_at += timedelta(days=3)

    def slug(o: Any) -> None:
        o.slug = f"{o.slug}-copy"

    meetings = copy(list(Meeting.objects.filter(project_id__in=ids).order_by("pk")), later)
    parts = [Participation(meeting_id=meetings[m], user_id=u, response=r)
             for m, u, r in Participation.objects.filter(meeting_id__in=meetings).values_list("meeting_id", "user_id", "response")]
    Participation.objects.bulk_create(parts, batch_size=BATCH)
    copied.update({"meetings": len(meetings), "participations": len(parts)})

    task_ids = list(Task.objects.filter(work_group__project_id__in=ids).order_by("pk").values_list("pk", flat=True))
    copied["tasks"] = len(task_ids)
    for start in range(0, len(task_ids), BATCH):
        tasks = copy(list(Task.objects.filter(pk__in=task_ids[start:start + BATCH]).order_by("pk")), same)
        for name in ("responsible_people", "responsible_organisations"):
            m2m = Task._meta.get_field(name)
            through = m2m.remote_field.through
            src, dst = m2m.m2m_field_name() + "_id", m2m.m2m_reverse_field_name() + "_id"
            through.objects.bulk_create(
                [through(**{src: tasks[t], dst: other})
                 for t, other in through.objects.filter(**{src + "__in": tasks}).values_list(src, dst)],
                batch_size=BATCH)

    copied["articles"] = len(copy(list(Article.objects.filter(project_id__in=ids).order_by("pk")), slug))
    threads = copy(list(Thread.objects.filter(project_id__in=ids).order_by("pk")), same)
    posts = [Post(thread_id=threads[t], author_id=a, body=b, body_html=h, created_at=c)
             for t, a, b, h, c in Post.objects.filter(thread_id__in=threads).values_list("thread_id", "author_id", "body", "body_html", "created_at")]
    Post.objects.bulk_create(posts, batch_size=BATCH)
    copied.update({"threads": len(threads), "posts": len(posts)})
    return copied
