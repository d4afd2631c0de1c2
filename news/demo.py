"""The seed article as the project's first news, in Latvian with its translations.

Hungarian is deliberately left partial (the title only) so the fallback (to English,
then the original) can be seen; a members-only update follows a week later. Dates in the
texts are placeholders that move with the demo's timeline (projects/demo_dates.py).
"""
from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any


from news.models import Article
from projects.demo_dates import moved

SEED_SLUG = "projekta-administration-go-europe-zinas"
UPDATE_SLUG = "work-plan-until-the-april-meeting"


def _html(*paragraphs: str) -> str:
    return "\n".join(p if p.startswith("<ul>") else f"<p>{p}</p>" for p in paragraphs)


SEED_ARTICLE: dict[str, str] = {
    # --- Latvian: the original, as published by Daugavpils City Council ---------------
    "title_lv": "Projekta „Administration go Europe!” ziņas",
    "summary_lv": "Eiropas Savienības Mūžizglītības programmas Leonardo da Vinci apakšprogrammas projekts „Administration go Europe!”: līgums noslēgts, pirmā partneru tikšanās notikusi Magdeburgā.",
    "body_lv": _html(
        "Lai uzlabotu Daugavpils pašvaldības konkurētspēju darbam starptautiskajā vidē, šī gada {2012-08-22|dm|loc}, Daugavpils pilsētas dome kā finansējuma saņēmējs, noslēdza līgumu ar Valsts izglītības attīstības aģentūru par projekta „Administrations go Europe!” īstenošanu. Jāuzsver, ka šis projekts ir lielisks piemērs tam, ka {2011-09-15|year}. gada {2011-09-15|month|loc} noslēgtais sadarbības līgums starp Daugavpili un Magdeburgu nes vēlamos rezultātus.",
        "Projekta mērķis ir palielināt vietējo pašvaldību konkurētspēju caur mūžizglītības veicināšanu internacionalizācijas kontekstā. Partnerība izveidota no dažādām pašvaldībām un apmācības iestādēm, kas izvietotas ģeogrāfiski un sociālekonomiski dažādā vidē un ir galvenais elements veiksmīgai internacionalizācijas īstenošanai.",
        "Projekta ietvaros plānotās aktivitātes paredz sadarboties ar projekta partneriem Starptautiska līmenī un piedalīties konferencēs, semināros un darba grupas.",
        "<strong>Gaidāmie rezultāti:</strong> apmainoties ar pieredzi un labo praksi, identificēt nepieciešamās prasmes, mācīšanas metodes un mācību saturu, analizēt un uzlabot darbinieku iegūto prasmju un pašvaldību stratēģiju internacionalizācijas jomā, ka arī izstrādāt un attīstīt atbilstošā mācību satura nepieciešamās prasmes.",
        "Atbilstoši projekta iesnieguma pieteiktajiem mērķim un aktivitātēm {2012-10-04|month|loc} notika pirmā partneru tikšanas Magdeburgā, Vācijā.",
        "Partneru tikšanās notika saskaņā ar izstrādāto darba programmu. Tikšanas laikā partnerorganizācijas, strādājot darba grupās saplānoja projekta nākamas darbības un aktivitātes projekta mērķu sasniegšanai. Rezultātā ir ne tikai sadalīti pienākumi projekta gaidāmo mērķu un rezultātu sasniegšanai, bet arī noteikti termiņi ieplānoto darbu izpildīšanai.",
        "Tagad seko aktīva darbošanās līdz jau noteiktajiem termiņiem un nākamajai projekta partneru tikšanās reizei. Uz doto brīdi partneri ir izstrādājuši komunikācijas platformu un dalās informācijā viens ar otru gandrīz katru dienu. Tas ir daudzsološs sākums veiksmīgai projekta norisei! Nākama projekta „Administration go Europe!” partneru tikšanās ir ieplānota {2013-04-18|month|loc}.",
        "<strong>Projekta partneri:</strong> Ungārija, Itālija, Vācija, Dānija un Latvija.",
        "<strong>Projekta ilgums:</strong> No {2012-08-01|full|gen} līdz {2014-07-31|full|dat}",
    ),
    "prepared_by_position_lv": "Projekta asistente",
    # --- English --------------------------------------------------------------------------
    "title_en": "News from the project “Administration go Europe!”",
    "summary_en": "The European Union Lifelong Learning Programme’s Leonardo da Vinci partnership “Administration go Europe!”: the agreement is signed and the first partner meeting has taken place in Magdeburg.",
    "body_en": _html(
        "To improve the competitiveness of the Daugavpils municipality in an international environment, on {2012-08-22|dm} this year Daugavpils City Council, as the beneficiary, signed an agreement with the State Education Development Agency on carrying out the project “Administration go Europe!”. It should be stressed that the project is an excellent example of how the cooperation agreement concluded between Daugavpils and Magdeburg in {2011-09-15|month} {2011-09-15|year} is bringing the desired results.",
        "The aim of the project is to increase the competitiveness of local governments through the promotion of lifelong learning in the context of internationalisation. The partnership brings together different municipalities and training institutions in geographically and socio-economically diverse settings, which is a key element of successful internationalisation.",
        "The activities planned within the project include cooperation with the project partners at international level and taking part in conferences, seminars and work groups.",
        "<strong>Expected results:</strong> by exchanging experience and good practice, to identify the skills, teaching methods and learning content needed; to analyse and improve the skills acquired by staff and the municipalities’ strategies for internationalisation; and to develop the skills needed for suitable learning content.",
        "In line with the aim and activities set out in the project application, the first partner meeting took place in {2012-10-04|month} in Magdeburg, Germany.",
        "The partner meeting followed the work programme drawn up for it. Working in groups, the partner organisations planned the project’s next steps and activities towards its aims. As a result, not only have the responsibilities for reaching the project’s aims and results been shared out, but deadlines for the planned work have also been set.",
        "Now follows a period of active work up to the agreed deadlines and the next partner meeting. The partners have already set up a communication platform and share information with one another almost every day. A promising start for a successful project! The next partner meeting of “Administration go Europe!” is planned for {2013-04-18|month}.",
        "<strong>Project partners:</strong> Hungary, Italy, Germany, Denmark and Latvia.",
        "<strong>Project duration:</strong> from {2012-08-01|full} to {2014-07-31|full}",
    ),
    "prepared_by_position_en": "Project assistant",
    # --- German -----------------------------------------------------------------------------
    "title_de": "Neuigkeiten aus dem Projekt „Administration go Europe!“",
    "summary_de": "Das Projekt „Administration go Europe!“ der Leonardo-da-Vinci-Partnerschaften im Programm für lebenslanges Lernen der Europäischen Union: Der Vertrag ist unterzeichnet, das erste Partnertreffen hat in Magdeburg stattgefunden.",
    "body_de": _html(
        "Um die Wettbewerbsfähigkeit der Stadtverwaltung Daugavpils im internationalen Umfeld zu stärken, hat der Stadtrat von Daugavpils als Zuwendungsempfänger am {2012-08-22|dm} dieses Jahres mit der Staatlichen Agentur für Bildungsentwicklung einen Vertrag über die Durchführung des Projekts „Administration go Europe!“ geschlossen. Hervorzuheben ist, dass dieses Projekt ein hervorragendes Beispiel dafür ist, dass der im {2011-09-15|month} {2011-09-15|year} zwischen Daugavpils und Magdeburg geschlossene Kooperationsvertrag die gewünschten Ergebnisse bringt.",
        "Ziel des Projekts ist es, die Wettbewerbsfähigkeit der Kommunalverwaltungen durch die Förderung des lebenslangen Lernens im Kontext der Internationalisierung zu steigern. Die Partnerschaft besteht aus verschiedenen Kommunen und Bildungseinrichtungen in geografisch und sozioökonomisch unterschiedlichen Umfeldern – ein Schlüsselelement für eine erfolgreiche Internationalisierung.",
        "Die im Rahmen des Projekts geplanten Aktivitäten sehen die Zusammenarbeit mit den Projektpartnern auf internationaler Ebene und die Teilnahme an Konferenzen, Seminaren und Arbeitsgruppen vor.",
        "<strong>Erwartete Ergebnisse:</strong> durch den Austausch von Erfahrungen und guter Praxis die benötigten Kompetenzen, Lehrmethoden und Lerninhalte ermitteln, die von den Beschäftigten erworbenen Kompetenzen und die kommunalen Strategien im Bereich der Internationalisierung analysieren und verbessern sowie die für passende Lerninhalte benötigten Kompetenzen erarbeiten und weiterentwickeln.",
        "Entsprechend dem im Projektantrag festgelegten Ziel und den geplanten Aktivitäten fand im {2012-10-04|month} das erste Partnertreffen in Magdeburg, Deutschland, statt.",
        "Das Partnertreffen verlief nach dem dafür ausgearbeiteten Arbeitsprogramm. In Arbeitsgruppen planten die Partnerorganisationen die nächsten Schritte und Aktivitäten, mit denen die Projektziele erreicht werden sollen. Im Ergebnis wurden nicht nur die Zuständigkeiten für die angestrebten Ziele und Ergebnisse verteilt, sondern auch Fristen für die geplanten Arbeiten festgelegt.",
        "Nun folgt eine Phase aktiver Arbeit bis zu den vereinbarten Fristen und dem nächsten Partnertreffen. Die Partner haben bereits eine Kommunikationsplattform eingerichtet und tauschen fast täglich Informationen aus. Ein vielversprechender Start für ein erfolgreiches Projekt! Das nächste Partnertreffen von „Administration go Europe!“ ist für {2013-04-18|month} geplant.",
        "<strong>Projektpartner:</strong> Ungarn, Italien, Deutschland, Dänemark und Lettland.",
        "<strong>Projektlaufzeit:</strong> vom {2012-08-01|full} bis zum {2014-07-31|full}",
    ),
    "prepared_by_position_de": "Projektassistentin",
    # --- Italian ----------------------------------------------------------------------------
    "title_it": "Notizie dal progetto “Administration go Europe!”",
    "summary_it": "Il partenariato Leonardo da Vinci “Administration go Europe!” del Programma di apprendimento permanente dell’Unione europea: l’accordo è firmato e il primo incontro dei partner si è svolto a Magdeburgo.",
    "body_it": _html(
        "Per migliorare la competitività del Comune di Daugavpils in un contesto internazionale, il {2012-08-22|dm} di quest’anno il Consiglio comunale di Daugavpils, in qualità di beneficiario, ha firmato con l’Agenzia statale per lo sviluppo dell’istruzione l’accordo per la realizzazione del progetto “Administration go Europe!”. Va sottolineato che questo progetto è un ottimo esempio di come l’accordo di cooperazione firmato tra Daugavpils e Magdeburgo nel {2011-09-15|month} {2011-09-15|year} stia portando i risultati sperati.",
        "L’obiettivo del progetto è aumentare la competitività delle amministrazioni locali promuovendo l’apprendimento permanente nel contesto dell’internazionalizzazione. Il partenariato riunisce diversi comuni e istituti di formazione situati in contesti geograficamente e socioeconomicamente diversi, elemento chiave per un’internazionalizzazione di successo.",
        "Le attività previste dal progetto comprendono la cooperazione con i partner a livello internazionale e la partecipazione a conferenze, seminari e gruppi di lavoro.",
        "<strong>Risultati attesi:</strong> attraverso lo scambio di esperienze e buone pratiche, individuare le competenze, i metodi di insegnamento e i contenuti formativi necessari; analizzare e migliorare le competenze acquisite dal personale e le strategie dei comuni in materia di internazionalizzazione; elaborare e sviluppare le competenze necessarie per contenuti formativi adeguati.",
        "In linea con l’obiettivo e le attività indicati nella candidatura del progetto, nel mese di {2012-10-04|month} si è svolto a Magdeburgo, in Germania, il primo incontro dei partner.",
        "L’incontro si è svolto secondo il programma di lavoro predisposto. Lavorando in gruppi, le organizzazioni partner hanno pianificato le prossime fasi e attività del progetto per raggiungerne gli obiettivi. Di conseguenza non solo sono stati ripartiti i compiti per il raggiungimento degli obiettivi e dei risultati attesi, ma sono state anche fissate le scadenze per i lavori previsti.",
        "Ora segue un periodo di lavoro intenso fino alle scadenze concordate e al prossimo incontro dei partner. I partner hanno già creato una piattaforma di comunicazione e si scambiano informazioni quasi ogni giorno. Un inizio promettente per un progetto di successo! Il prossimo incontro dei partner di “Administration go Europe!” è previsto nel mese di {2013-04-18|month}.",
        "<strong>Partner del progetto:</strong> Ungheria, Italia, Germania, Danimarca e Lettonia.",
        "<strong>Durata del progetto:</strong> {2012-08-01|full} – {2014-07-31|full}",
    ),
    "prepared_by_position_it": "Assistente di progetto",
    # --- Danish -----------------------------------------------------------------------------
    "title_da": "Nyt fra projektet »Administration go Europe!«",
    "summary_da": "Leonardo da Vinci-partnerskabet »Administration go Europe!« under EU’s program for livslang læring: aftalen er underskrevet, og det første partnermøde er holdt i Magdeburg.",
    "body_da": _html(
        "For at styrke Daugavpils Kommunes konkurrenceevne i et internationalt miljø indgik Daugavpils Byråd som tilskudsmodtager den {2012-08-22|dm} i år en aftale med Statens Agentur for Uddannelsesudvikling om gennemførelsen af projektet »Administration go Europe!«. Det skal understreges, at projektet er et fremragende eksempel på, at den samarbejdsaftale, som Daugavpils og Magdeburg indgik i {2011-09-15|month} {2011-09-15|year}, giver de ønskede resultater.",
        "Projektets formål er at øge de lokale forvaltningers konkurrenceevne ved at fremme livslang læring i en international sammenhæng. Partnerskabet består af forskellige kommuner og uddannelsesinstitutioner i geografisk og socioøkonomisk forskellige omgivelser, hvilket er et centralt element i en vellykket internationalisering.",
        "De planlagte aktiviteter i projektet omfatter samarbejde med projektpartnerne på internationalt plan og deltagelse i konferencer, seminarer og arbejdsgrupper.",
        "<strong>Forventede resultater:</strong> gennem udveksling af erfaringer og god praksis at identificere de nødvendige kompetencer, undervisningsmetoder og læringsindhold; at analysere og forbedre medarbejdernes erhvervede kompetencer og kommunernes strategier for internationalisering; samt at udarbejde og udvikle de kompetencer, der er nødvendige for et passende læringsindhold.",
        "I overensstemmelse med det formål og de aktiviteter, der er beskrevet i projektansøgningen, blev det første partnermøde holdt i {2012-10-04|month} i Magdeburg i Tyskland.",
        "Partnermødet fulgte det arbejdsprogram, der var udarbejdet til det. I arbejdsgrupper planlagde partnerorganisationerne projektets næste skridt og aktiviteter for at nå projektets mål. Resultatet er, at ikke kun opgaverne med at nå projektets mål og resultater er fordelt, men at der også er fastsat frister for det planlagte arbejde.",
        "Nu følger en periode med aktivt arbejde frem til de aftalte frister og det næste partnermøde. Partnerne har allerede oprettet en kommunikationsplatform og udveksler oplysninger med hinanden næsten hver dag. En lovende start på et vellykket projekt! Det næste partnermøde i »Administration go Europe!« er planlagt til {2013-04-18|month}.",
        "<strong>Projektpartnere:</strong> Ungarn, Italien, Tyskland, Danmark og Letland.",
        "<strong>Projektperiode:</strong> fra {2012-08-01|full} til {2014-07-31|full}",
    ),
    "prepared_by_position_da": "Projektassistent",
    # --- Hungarian: only the title so far (the fallback shows the English text) ---------
    "title_hu": "Az „Administration go Europe!” projekt hírei",
}

MEMBERS_UPDATE: dict[str, str] = {
    "title_en": "Work plan until the {2013-04-18|month} partner meeting",
    "summary_en": "For partners only: who delivers what before we meet again in {2013-04-18|month}.",
    "body_en": _html(
        "Thank you all for the productive days in Magdeburg. As agreed in the work groups, each partner now prepares:",
        "<ul><li>a short survey of the international skills of its staff (template on the communication platform), by {2013-01-31|dm};</li>"
        "<li>a country report on the municipality’s internationalisation strategy, by {2013-03-15|dm};</li>"
        "<li>a list of two or three training methods that work well in its organisation, to be presented in {2013-04-18|month}.</li></ul>",
        "Please post questions on the platform rather than by email, so that everyone sees the answers.",
    ),
    "title_lv": "Darba plāns līdz nākamajai partneru tikšanās reizei",
    "summary_lv": "Tikai partneriem: kurš ko sagatavo līdz nākamajai tikšanās reizei {2013-04-18|month|loc}.",
    "body_lv": _html(
        "Paldies visiem par ražīgajām dienām Magdeburgā. Kā vienojāmies darba grupās, katrs partneris tagad sagatavo:",
        "<ul><li>īsu aptauju par darbinieku starptautiskajām prasmēm (veidne ir komunikācijas platformā) līdz {2013-01-31|dm|dat};</li>"
        "<li>valsts ziņojumu par pašvaldības internacionalizācijas stratēģiju līdz {2013-03-15|dm|dat};</li>"
        "<li>divu vai trīs mācību metožu sarakstu, kas labi darbojas organizācijā, ko prezentēsim {2013-04-18|month|loc}.</li></ul>",
        "Lūdzam jautājumus uzdot platformā, nevis pa e-pastu, lai atbildes redz visi.",
    ),
    "title_de": "Arbeitsplan bis zum Partnertreffen im {2013-04-18|month}",
    "summary_de": "Nur für Partner: Wer liefert was, bevor wir uns im {2013-04-18|month} wiedersehen.",
    "body_de": _html(
        "Vielen Dank an alle für die produktiven Tage in Magdeburg. Wie in den Arbeitsgruppen vereinbart, bereitet jeder Partner nun Folgendes vor:",
        "<ul><li>bis zum {2013-01-31|dm} eine kurze Umfrage zu den internationalen Kompetenzen der eigenen Beschäftigten (Vorlage auf der Kommunikationsplattform);</li>"
        "<li>bis zum {2013-03-15|dm} einen Länderbericht zur Internationalisierungsstrategie der Kommune;</li>"
        "<li>eine Liste von zwei oder drei Lehrmethoden, die sich in der eigenen Organisation bewährt haben, zur Vorstellung im {2013-04-18|month}.</li></ul>",
        "Bitte stellen Sie Fragen auf der Plattform statt per E-Mail, damit alle die Antworten sehen.",
    ),
}


def on_timeline(fields: dict[str, str], offset: timedelta) -> dict[str, str]:
    """Translated fields with their dates moved by ``offset`` (``timedelta(0)``: the seed's
    own dates); the language is the field's suffix."""
    return {name: moved(text, name.rsplit("_", 1)[1], offset) for name, text in fields.items()}


def seed(ctx: Any) -> None:
    project = ctx.project
    assistant = ctx.users["assistant"]
    # The seed article went out the day before the demo's "today" (a fixed moment, so a
    # second run changes nothing, and never in the future, so it is never merely scheduled).
    # Its emails went out when it was published: the demo's history is already told.
    seed_published = ctx.moment(date(2012, 11, 19), time(10, 0), "Europe/Riga")
    update_published = ctx.moment(date(2012, 10, 15), time(9, 0), "Europe/Riga")
    Article.objects.update_or_create(
        project=project, slug=SEED_SLUG,
        defaults={
            **on_timeline(SEED_ARTICLE, ctx.offset),
            "original_language": "lv",
            "audience": Article.Audience.PUBLIC,
            "status": Article.Status.PUBLISHED,
            "publish_at": seed_published,
            "author": assistant,
            "prepared_by_name": "Jolanta Ūzuliņa",
            "prepared_by_phone": "654 04391",
            "notified_at": seed_published,
        },
    )
    Article.objects.update_or_create(
        project=project, slug=UPDATE_SLUG,
        defaults={
            **on_timeline(MEMBERS_UPDATE, ctx.offset),
            "original_language": "en",
            "audience": Article.Audience.MEMBERS,
            "status": Article.Status.PUBLISHED,
            "publish_at": update_published,
            "author": ctx.users["coordinator"],
            "prepared_by_name": "Inese Kalniņa",
            "prepared_by_position_en": "Project coordinator",
            "prepared_by_position_lv": "Projekta koordinatore",
            "prepared_by_position_de": "Projektkoordinatorin",
            "prepared_by_phone": "+371 654 04300",
            "notified_at": update_published,
        },
    )
