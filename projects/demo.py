"""The partnership of the seed article, as demo data (see ``seed_demo``).

Dates are written as in the seed (2012-2014). Unless ``--historical`` is given, the
whole timeline is shifted so that today stands where the seed article stands: after
the first partner meeting in Magdeburg, with the next meeting and deadlines ahead.
Each app adds its part in its own ``demo.py`` through ``seed(ctx)``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
import zoneinfo

from django.utils import timezone

from projects import services
from projects.models import Membership, Organisation, Partner, Project

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The day the seed article speaks from: after the Magdeburg meeting (early October
# 2012), the next meeting "planned for April".
ARTICLE_DATE = date(2012, 11, 20)


@dataclass
class DemoContext:
    password: str | None
    historical: bool
    today: date
    out: Any
    project: Project | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)  # key -> User
    # email, role (translated when printed), language, name
    logins: list[tuple[str, StrOrPromise, str, str]] = field(default_factory=list)

    @property
    def offset(self) -> timedelta:
        return timedelta(0) if self.historical else self.today - ARTICLE_DATE

    def day(self, seed_date: date) -> date:
        """A date of the seed's timeline, moved onto the demo's timeline."""
        return seed_date + self.offset

    def moment(self, seed_date: date, at: time, tz: str) -> datetime:
        """An aware datetime at a local time on a (shifted) seed date."""
        return datetime.combine(self.day(seed_date), at, tzinfo=zoneinfo.ZoneInfo(tz))


ORGANISATIONS = [
    # key, name, kind, country, city, website, role, mobilities
    ("daugavpils", "Daugavpils City Council", Organisation.Kind.MUNICIPALITY, "LV", "Daugavpils", "https://www.daugavpils.lv", Partner.Role.COORDINATOR, 12),
    ("magdeburg", "City of Magdeburg", Organisation.Kind.MUNICIPALITY, "DE", "Magdeburg", "https://www.magdeburg.de", Partner.Role.PARTNER, 8),
    ("hungary", "Eger Municipal Training Centre", Organisation.Kind.TRAINING, "HU", "Eger", "", Partner.Role.PARTNER, 8),
    ("italy", "Centro Studi Europa, Ferrara", Organisation.Kind.TRAINING, "IT", "Ferrara", "", Partner.Role.PARTNER, 8),
    ("denmark", "Municipality of Vejle", Organisation.Kind.MUNICIPALITY, "DK", "Vejle", "", Partner.Role.PARTNER, 8),
    ("latvia", "Latgale Adult Education Centre", Organisation.Kind.TRAINING, "LV", "Rēzekne", "", Partner.Role.PARTNER, 6),
]

# key, email, first, last, org key, position, phone, language, time zone, role
PEOPLE = [
    ("coordinator", "coordinator@daugavpils.example", "Inese", "Kalniņa", "daugavpils", "Project coordinator", "+371 654 04300", "lv", "Europe/Riga", Membership.Role.COORDINATOR),
    ("assistant", "jolanta.uzulina@daugavpils.example", "Jolanta", "Ūzuliņa", "daugavpils", "Project assistant", "+371 654 04391", "lv", "Europe/Riga", Membership.Role.COORDINATOR),
    ("magdeburg", "partner@magdeburg.example", "Katrin", "Hoffmann", "magdeburg", "International relations officer", "+49 391 540 0000", "de", "Europe/Berlin", Membership.Role.MEMBER),
    ("hungary", "partner@eger.example", "Zsófia", "Nagy", "hungary", "Training manager", "+36 36 500 000", "hu", "Europe/Budapest", Membership.Role.MEMBER),
    ("italy", "partner@ferrara.example", "Marco", "Bianchi", "italy", "Project manager", "+39 0532 000 000", "it", "Europe/Rome", Membership.Role.MEMBER),
    ("denmark", "partner@vejle.example", "Mette", "Jensen", "denmark", "HR development consultant", "+45 7681 0000", "da", "Europe/Copenhagen", Membership.Role.MEMBER),
    ("latvia", "partner@latgale.example", "Andris", "Ozols", "latvia", "Methodologist", "+371 646 00000", "lv", "Europe/Riga", Membership.Role.MEMBER),
    ("observer", "observer@viaa.example", "Laura", "Bērziņa", None, "Programme officer", "", "en", "Europe/Riga", Membership.Role.OBSERVER),
]


def seed(ctx: DemoContext) -> None:
    for key, name, kind, country, city, website, _role, _mob in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "country": country, "city": city, "website": website}
        )
        ctx.organisations[key] = org

    project, _ = Project.objects.update_or_create(
        slug="administration-go-europe",
        defaults={
            "title": "Administration go Europe!",
            "acronym": "AGE",
            "programme": "Lifelong Learning Programme",
            "sub_programme": "Leonardo da Vinci Partnerships",
            "agreement_number": "2012-1-LV1-LEO04-03426 1",
            "funding_agency": "State Education Development Agency (Latvia)",
            "agreement_date": ctx.day(date(2012, 8, 22)),
            "start_date": ctx.day(date(2012, 8, 1)),
            "end_date": ctx.day(date(2014, 7, 31)),
            "coordinating_organisation": ctx.organisations["daugavpils"],
            "time_zone": "Europe/Riga",
            **AIM,
        },
    )
    ctx.project = project
    for key, _name, _kind, _country, _city, _web, partner_role, mobilities in ORGANISATIONS:
        Partner.objects.update_or_create(
            project=project, organisation=ctx.organisations[key],
            defaults={"role": partner_role, "contracted_mobilities": mobilities},
        )

    for key, email, first, last, org_key, position, phone, language, tz, role in PEOPLE:
        user = services.create_user(
            email, first_name=first, last_name=last, password=ctx.password,
            organisation=ctx.organisations.get(org_key) if org_key else None,
            position=position, phone=phone, language=language, time_zone=tz,
        )
        services.add_membership(user, project, role)
        ctx.users[key] = user
        ctx.logins.append((email, Membership.Role(role).label, language, f"{first} {last}"))
        if org_key:
            partner = Partner.objects.get(project=project, organisation=ctx.organisations[org_key])
            partner.contacts.add(user.person)

    admin = services.create_user(
        "admin@agepartners.example", first_name="Portal", last_name="Administrator",
        password=ctx.password, language="en", is_superuser=True,
    )
    ctx.users["admin"] = admin
    ctx.logins.append(("admin@agepartners.example", "Superuser", "en", "Portal Administrator"))


AIM = {
    "aim_en": "To increase the competitiveness of local governments through the promotion of lifelong learning in the context of internationalisation.",
    "aim_lv": "Palielināt vietējo pašvaldību konkurētspēju caur mūžizglītības veicināšanu internacionalizācijas kontekstā.",
    "aim_de": "Die Wettbewerbsfähigkeit der Kommunalverwaltungen durch die Förderung des lebenslangen Lernens im Kontext der Internationalisierung steigern.",
    "aim_hu": "A helyi önkormányzatok versenyképességének növelése az egész életen át tartó tanulás előmozdításával a nemzetköziesedés összefüggésében.",
    "aim_it": "Aumentare la competitività delle amministrazioni locali promuovendo l'apprendimento permanente nel contesto dell'internazionalizzazione.",
    "aim_da": "At øge de lokale forvaltningers konkurrenceevne ved at fremme livslang læring i en international sammenhæng.",
    "planned_activities_en": "Cooperation with the project partners at international level: partner meetings, conferences, seminars and work groups.",
    "planned_activities_lv": "Sadarbība ar projekta partneriem starptautiskā līmenī: partneru tikšanās, konferences, semināri un darba grupas.",
    "planned_activities_de": "Zusammenarbeit mit den Projektpartnern auf internationaler Ebene: Partnertreffen, Konferenzen, Seminare und Arbeitsgruppen.",
    "planned_activities_hu": "Együttműködés a projektpartnerekkel nemzetközi szinten: partnertalálkozók, konferenciák, szemináriumok és munkacsoportok.",
    "planned_activities_it": "Cooperazione con i partner del progetto a livello internazionale: incontri dei partner, conferenze, seminari e gruppi di lavoro.",
    "planned_activities_da": "Samarbejde med projektpartnerne på internationalt plan: partnermøder, konferencer, seminarer og arbejdsgrupper.",
    "expected_results_en": "By exchanging experience and good practice: identify the skills, teaching methods and learning content needed; analyse and improve staff skills and municipal strategies for internationalisation; develop learning content for the skills needed.",
    "expected_results_lv": "Apmainoties ar pieredzi un labo praksi, identificēt nepieciešamās prasmes, mācīšanas metodes un mācību saturu, analizēt un uzlabot darbinieku prasmes un pašvaldību stratēģijas internacionalizācijas jomā, kā arī izstrādāt atbilstošu mācību saturu.",
    "expected_results_de": "Durch den Austausch von Erfahrungen und guter Praxis die benötigten Kompetenzen, Lehrmethoden und Lerninhalte ermitteln, die Kompetenzen der Beschäftigten und die kommunalen Internationalisierungsstrategien analysieren und verbessern sowie passende Lerninhalte entwickeln.",
    "expected_results_hu": "Tapasztalatok és jó gyakorlatok cseréjével azonosítani a szükséges készségeket, tanítási módszereket és tananyagokat, elemezni és fejleszteni a munkatársak készségeit és az önkormányzatok nemzetköziesedési stratégiáit, valamint megfelelő tananyagot kidolgozni.",
    "expected_results_it": "Attraverso lo scambio di esperienze e buone pratiche, individuare le competenze, i metodi di insegnamento e i contenuti formativi necessari, analizzare e migliorare le competenze del personale e le strategie di internazionalizzazione dei comuni e sviluppare contenuti formativi adeguati.",
    "expected_results_da": "Gennem udveksling af erfaringer og god praksis at identificere de nødvendige kompetencer, undervisningsmetoder og læringsindhold, analysere og forbedre medarbejdernes kompetencer og kommunernes internationaliseringsstrategier samt udvikle passende læringsindhold.",
}
