"""Synthetic but realistic local-news pages for corpus tests: every page different (seeded), with
the menus, teasers and footers a flattened page has."""

import random
import time

TOWNS = [
    "Bochum",
    "Herne",
    "Witten",
    "Hattingen",
    "Castrop-Rauxel",
    "Dortmund",
    "Unna",
    "Hagen",
    "Lünen",
    "Kamen",
    "Schwerte",
    "Bergkamen",
    "Selm",
    "Werne",
    "Holzwickede",
    "Fröndenberg",
    "Waltrop",
    "Datteln",
]
SUBJECTS = [
    "Der Stadtrat",
    "Die Verwaltung",
    "Die Feuerwehr",
    "Der Sportverein",
    "Die Bürgerinitiative",
    "Das Jugendamt",
    "Die Stadtbücherei",
    "Der Heimatverein",
    "Die Polizei",
    "Die Musikschule",
    "Der Bauausschuss",
    "Die Kita-Leitung",
    "Das Klinikum",
    "Die Sparkasse",
    "Der Tierschutzverein",
]
ACTIONS = [
    "hat am Dienstag einen Plan für",
    "berät in der kommenden Woche über",
    "stellte am Abend Ideen für",
    "sammelt seit Monaten Spenden für",
    "kritisiert die Kosten für",
    "lädt die Bürger zur Diskussion über",
    "meldet deutliche Fortschritte bei",
    "fordert mehr Geld für",
    "prüft derzeit Vorschläge für",
]
OBJECTS = [
    "den Neubau der Grundschule",
    "die Sanierung des Freibads",
    "neue Radwege in der Innenstadt",
    "das Sommerfest im Stadtpark",
    "die Erweiterung des Gewerbegebiets",
    "den Umbau des Bahnhofs",
    "mehr Plätze in der offenen Ganztagsschule",
    "die Zukunft des Hallenbads",
    "ein neues Feuerwehrhaus",
    "die Digitalisierung der Schulen",
    "eine Buslinie ins Neubaugebiet",
    "den Hochwasserschutz am Bach",
]
DETAILS = [
    "Die Kosten liegen nach ersten Schätzungen bei {n} Millionen Euro.",
    "Rund {n}00 Menschen hatten sich an einer Umfrage beteiligt.",
    "Eine Entscheidung soll im {m} fallen, teilte ein Sprecher mit.",
    "Kritik kam vor allem aus den Reihen der Opposition, die eine bessere Planung verlangt.",
    "Anwohner hatten sich seit {n} Jahren für das Vorhaben eingesetzt.",
    "Der Bürgermeister sprach von einem wichtigen Signal für den Stadtteil.",
    "Die Arbeiten sollen nach Angaben der Stadt spätestens im {m} beginnen.",
    "Fördermittel des Landes decken etwa {n}0 Prozent der Ausgaben.",
    "Bei der Sitzung waren auch zahlreiche Zuhörerinnen und Zuhörer anwesend.",
    "Eine Infoveranstaltung ist für den {d}. {m} im Rathaus geplant.",
]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober"]


def page(i: int, outlet_slogan: str | None = None) -> str:
    r = random.Random(i)
    town = r.choice(TOWNS)
    paras = []
    for _ in range(r.randint(3, 5)):
        sent = [f"{r.choice(SUBJECTS)} in {town} {r.choice(ACTIONS)} {r.choice(OBJECTS)}."]
        for _ in range(r.randint(2, 3)):
            sent.append(r.choice(DETAILS).format(n=r.randint(2, 9), m=r.choice(MONTHS), d=r.randint(1, 28)))
        sent.append(
            f"Das Vorhaben mit der Nummer {i}-{r.randint(100, 999)} wird im Stadtteil {r.choice(TOWNS)} diskutiert."
        )
        paras.append(" ".join(sent))
    title = f"{r.choice(SUBJECTS)} in {town}: {r.choice(OBJECTS).capitalize()}"
    date = f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.20{r.randint(18, 23)}"
    head = "Startseite > Lokales > " + town + "\n\n"
    if outlet_slogan:
        head = outlet_slogan + "\n\n" + head
    teasers = "\n".join(f"{r.choice(TOWNS)}: {r.choice(OBJECTS).capitalize()}" for _ in range(3))
    return (
        f"{head}{title}\n\n{date}\n\n"
        + "\n\n".join(paras)
        + f"\n\nMeistgelesen\n\n{teasers}\n\nImpressum | Datenschutz | Kontakt\n"
    )


def wait_for(predicate, timeout: float) -> bool:
    """Poll ``predicate`` until it holds (True) or ``timeout`` seconds passed (False)."""
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False
