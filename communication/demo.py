"""Demo data: the partners' daily exchange after the first meeting in Magdeburg.

Threads with replies in the partners' languages and shared documents with versions.
Recorded as history (no emails go out); idempotent by project and title.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from communication import discussions, documents
from communication.models import Document, NotificationPreference, Thread
from projects.demo_dates import moved

# (author key, seed date, local time, time zone, text)
Reply = tuple[str, date, time, str, str]

THREADS: list[dict[str, Any]] = [
    {
        "title": "How we use this platform",
        "author": "coordinator", "when": (date(2012, 10, 5), time(16, 30), "Europe/Riga"),
        "pinned": True, "closed": True, "work_group": False,
        "body": (
            "A short guide for our daily exchange:\n\n"
            "1. Start one discussion per topic, in the work group it belongs to.\n"
            "2. Mention a colleague with @firstname.lastname (without accents), e.g. @katrin.hoffmann: "
            "they receive an email.\n"
            "3. Share drafts under *Documents*; a new upload becomes the current version and the old ones stay.\n"
            "4. In *Email notification settings* choose an email for each message or one daily digest.\n\n"
            "Write in the language you like: English is our common language, and everyone is welcome "
            "to answer in their own."
        ),
        "replies": [
            ("denmark", date(2012, 10, 8), time(8, 45), "Europe/Copenhagen",
             "Very useful, thanks! We chose the daily digest in Vejle; it works well for us."),
        ],
    },
    {
        "title": "Magdeburg meeting: thank you and next steps",
        "author": "coordinator", "when": (date(2012, 10, 8), time(9, 30), "Europe/Riga"),
        "pinned": True, "closed": False, "work_group": False,
        "body": (
            "Dear partners,\n\n"
            "thank you for three productive days in Magdeburg, and special thanks to @katrin.hoffmann "
            "and her colleagues for hosting us.\n\n"
            "What we agreed:\n\n"
            "- the work groups are formed and have their first tasks and deadlines;\n"
            "- the skills analysis questionnaire goes out by **{en@2012-10-26|dm}**;\n"
            "- the next partner meeting is planned for {en@2013-04-18|month}.\n\n"
            "The work programme is under *Documents*. Let us keep in touch here every day!"
        ),
        "replies": [
            ("magdeburg", date(2012, 10, 8), time(14, 10), "Europe/Berlin",
             "Liebe Partnerinnen und Partner,\n\nvielen Dank für Ihren Besuch, es war uns eine Freude! "
             "Die Fotos vom Treffen lade ich bis Freitag hoch.\n\nViele Grüße aus Magdeburg\nKatrin"),
            ("italy", date(2012, 10, 9), time(10, 5), "Europe/Rome",
             "Grazie a tutti! Da Ferrara confermiamo la nostra disponibilità per il gruppo di lavoro sui "
             "contenuti formativi. Invieremo le nostre osservazioni sul questionario entro la prossima settimana."),
            ("denmark", date(2012, 10, 9), time(13, 40), "Europe/Copenhagen",
             "Tak for et godt møde! I Vejle er vi allerede i gang med at kortlægge de kompetencer, "
             "vores medarbejdere bruger i det internationale arbejde."),
            ("hungary", date(2012, 10, 10), time(8, 50), "Europe/Budapest",
             "Köszönjük a szervezést! Az egri képzési központ szívesen vállalja a tananyagok "
             "módszertani áttekintését."),
            ("latvia", date(2012, 10, 10), time(11, 15), "Europe/Riga",
             "Paldies visiem par lielisko sadarbību Magdeburgā! Latgales pieaugušo izglītības centrs "
             "palīdzēs ar anketas tulkošanu latviešu valodā."),
        ],
    },
    {
        "title": "Skills analysis questionnaire: draft for comments",
        "author": "assistant", "when": (date(2012, 10, 12), time(10, 0), "Europe/Riga"),
        "pinned": False, "closed": False, "work_group": True,
        "body": (
            "Dear colleagues,\n\n"
            "the first draft of the skills analysis questionnaire is under *Documents* (version 1). "
            "Please write your comments here by **{en@2012-10-19|dm}**, so that the final version can go out "
            "on {en@2012-10-26|dm}.\n\n"
            "@marco.bianchi, could Ferrara look at the questions on teaching methods?"
        ),
        "replies": [
            ("italy", date(2012, 10, 16), time(17, 20), "Europe/Rome",
             "Certo, Jolanta! Ho aggiunto tre domande sui metodi di apprendimento non formale: "
             "le trovate nei commenti alla versione 2."),
            ("magdeburg", date(2012, 10, 17), time(9, 5), "Europe/Berlin",
             "Wir haben den Fragebogen mit zwei Kolleginnen aus dem Personalamt getestet: etwa 20 Minuten. "
             "Bitte Frage 7 kürzen, sie ist zu lang."),
            ("assistant", date(2012, 10, 19), time(15, 30), "Europe/Riga",
             "Thank you, @marco.bianchi and @katrin.hoffmann! Version 2 is uploaded, question 7 is shorter now."),
            ("latvia", date(2012, 10, 22), time(12, 0), "Europe/Riga",
             "Anketas tulkojums latviešu valodā būs gatavs līdz {lv@2012-10-24|dm|dat}."),
        ],
    },
    {
        "title": "Planning the next partner meeting",
        "author": "coordinator", "when": (date(2012, 11, 5), time(11, 0), "Europe/Riga"),
        "pinned": False, "closed": False, "work_group": False,
        "body": (
            "The next partner meeting is planned for {en@2013-04-18|month}. Please write which weeks do not suit "
            "your organisation (mind your public holidays), so that we can fix the dates soon."
        ),
        "replies": [
            ("denmark", date(2012, 11, 5), time(14, 25), "Europe/Copenhagen",
             "Den første uge i måneden passer ikke for Vejle Kommune, ellers er alle datoer fine."),
            ("hungary", date(2012, 11, 6), time(9, 40), "Europe/Budapest",
             "Nekünk {hu@2013-04-18|month} második fele lenne a legjobb."),
            ("magdeburg", date(2012, 11, 6), time(10, 15), "Europe/Berlin",
             "Für uns passt jede Woche außer der ersten des Monats."),
            ("italy", date(2012, 11, 7), time(18, 0), "Europe/Rome",
             "Per noi va bene qualsiasi settimana dopo la prima del mese."),
        ],
    },
]

# title, language, work group?, description, versions: (author, date, time, tz, file name, kind, text, comment)
DOCUMENTS: list[dict[str, Any]] = [
    {
        "title": "Work programme of the Magdeburg partner meeting", "language": "en", "work_group": False,
        "description": "Programme of the first partner meeting, {en@2012-10-03|full} to {en@2012-10-05|full}, as agreed with all partners.",
        "versions": [
            ("magdeburg", date(2012, 9, 20), time(10, 0), "Europe/Berlin", "work-programme-magdeburg.pdf", "pdf",
             "Work programme - first partner meeting, Magdeburg\nDay 1: welcome, partner presentations\n"
             "Day 2: work groups - skills, methods, learning content\nDay 3: tasks, deadlines, next meeting",
             "Programme sent with the invitation"),
            ("magdeburg", date(2012, 10, 8), time(12, 0), "Europe/Berlin", "work-programme-magdeburg.pdf", "pdf",
             "Work programme - first partner meeting, Magdeburg (as held)\nDay 1: welcome, partner presentations\n"
             "Day 2: work groups - skills, methods, learning content\nDay 3: tasks, deadlines, next meeting in {en@2013-04-18|month}",
             "As held, with the agreed next steps"),
        ],
    },
    {
        "title": "Skills analysis questionnaire", "language": "en", "work_group": True,
        "description": "Questionnaire for municipal staff on the skills needed for international work.",
        "versions": [
            ("assistant", date(2012, 10, 12), time(9, 45), "Europe/Riga", "skills-questionnaire.txt", "txt",
             "SKILLS ANALYSIS QUESTIONNAIRE - draft 1\n\n1. Which languages do you use at work?\n"
             "2. How often do you work with foreign partners?\n3. Which training have you had in the last two years?\n",
             "First draft for comments"),
            ("assistant", date(2012, 10, 19), time(15, 20), "Europe/Riga", "skills-questionnaire.txt", "txt",
             "SKILLS ANALYSIS QUESTIONNAIRE - draft 2\n\n1. Which languages do you use at work?\n"
             "2. How often do you work with foreign partners?\n3. Which training have you had in the last two years?\n"
             "4. Which learning methods suit you best (courses, job shadowing, e-learning)?\n",
             "Comments from Ferrara and Magdeburg included"),
            ("assistant", date(2012, 10, 26), time(11, 0), "Europe/Riga", "skills-questionnaire.txt", "txt",
             "SKILLS ANALYSIS QUESTIONNAIRE - final\n\n1. Which languages do you use at work?\n"
             "2. How often do you work with foreign partners?\n3. Which training have you had in the last two years?\n"
             "4. Which learning methods suit you best (courses, job shadowing, e-learning)?\n"
             "5. Which skills would help you most in international cooperation?\n",
             "Final version sent to staff"),
        ],
    },
    {
        "title": "Anketa: prasmju analīze", "language": "lv", "work_group": True,
        "description": "Prasmju analīzes anketas tulkojums latviešu valodā.",
        "versions": [
            ("latvia", date(2012, 10, 24), time(16, 0), "Europe/Riga", "anketa-prasmju-analize.txt", "txt",
             "PRASMJU ANALĪZES ANKETA\n\n1. Kuras valodas jūs izmantojat darbā?\n"
             "2. Cik bieži jūs strādājat ar ārvalstu partneriem?\n3. Kādas mācības esat apguvis pēdējos divos gados?\n",
             "Tulkojums no angļu valodas"),
        ],
    },
]


def simple_pdf(text: str) -> bytes:
    """A small, valid one-page PDF (Helvetica, ASCII) for demo documents."""
    lines = [line.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
             for line in text.splitlines()]
    stream = b"BT /F1 12 Tf 56 780 Td 16 TL\n" + b"".join(b"(" + line + b") '\n" for line in lines) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _work_group(ctx: Any) -> Any:
    from workgroups.models import WorkGroup

    groups = WorkGroup.objects.filter(project=ctx.project).order_by("name")
    return groups.filter(name__icontains="skill").first() or groups.first()


def seed(ctx: Any) -> None:
    project = ctx.project
    if project is None:
        return
    users = ctx.users
    work_group = _work_group(ctx)

    for spec in THREADS:
        if Thread.objects.filter(project=project, title=spec["title"]).exists():
            continue
        seed_date, at, tz = spec["when"]
        thread = discussions.start_thread(
            project, users[spec["author"]], spec["title"], moved(spec["body"], "en", ctx.offset),
            work_group=work_group if spec["work_group"] else None, at=ctx.moment(datetime.combine(seed_date, at), tz), notify=False,
        )
        for author, day, at_time, reply_tz, text in spec["replies"]:
            discussions.reply(thread, users[author], moved(text, "en", ctx.offset), at=ctx.moment(datetime.combine(day, at_time), reply_tz), notify=False)
        discussions.set_pinned(thread, spec["pinned"])
        discussions.set_closed(thread, spec["closed"])

    for spec in DOCUMENTS:
        if Document.objects.filter(project=project, title=spec["title"]).exists():
            continue
        document = None
        for author, day, at_time, tz, file_name, kind, text, comment in spec["versions"]:
            text = moved(text, "en", ctx.offset)
            content = simple_pdf(text) if kind == "pdf" else text.encode("utf-8")
            upload = SimpleUploadedFile(file_name, content)
            when = ctx.moment(datetime.combine(day, at_time), tz)
            if document is None:
                document = documents.add_document(
                    project, users[author], title=spec["title"], upload=upload, description=moved(spec["description"], "en", ctx.offset),
                    language=spec["language"], work_group=work_group if spec["work_group"] else None,
                    comment=comment, at=when, notify=False,
                )
            else:
                documents.add_version(document, users[author], upload, comment=comment, at=when, notify=False)

    # As Mette wrote: Vejle reads a daily digest.
    NotificationPreference.objects.update_or_create(
        user=users["denmark"], project=project, defaults={"mode": NotificationPreference.Mode.DIGEST}
    )
