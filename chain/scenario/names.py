"""Synthetic personal data for the off-chain registry: common given names and surnames per country, and
made-up village names. Nothing here goes on chain; the registry keeps it encrypted (registry.py).

Names are common ones in each country (public name-frequency lists); villages are invented from
syllables so that no real place is implied. Every full name is at least 9 characters long, so a scan of
chain bytes for it cannot match by chance.
"""
from __future__ import annotations

import random

GIVEN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # country -> (female, male)
    "KE": (("Wanjiru", "Akinyi", "Njeri", "Wambui", "Achieng", "Nyambura", "Chebet", "Mumbua", "Atieno", "Wairimu",
            "Jepkosgei", "Muthoni", "Nafula", "Kerubo", "Zawadi", "Makena"),
           ("Kamau", "Otieno", "Kiprono", "Mwangi", "Odhiambo", "Njoroge", "Kipchoge", "Wafula", "Mutua", "Ochieng",
            "Kibet", "Barasa", "Onyango", "Macharia", "Kimani", "Nyongesa")),
    "PH": (("Maricel", "Rowena", "Jocelyn", "Analyn", "Marites", "Rosalinda", "Lorna", "Jennylyn", "Imelda",
            "Corazon", "Divina", "Leonora", "Maribel", "Rosario"),
           ("Rodrigo", "Ernesto", "Jomar", "Reynaldo", "Danilo", "Arnel", "Rolando", "Marlon", "Efren", "Wilfredo",
            "Bienvenido", "Romeo", "Crisanto", "Eduardo")),
    "NG": (("Chiamaka", "Ngozi", "Funmilayo", "Aisha", "Folasade", "Adaeze", "Zainab", "Blessing", "Oluwaseun",
            "Amarachi", "Hadiza", "Yetunde", "Ifeoma", "Halima"),
           ("Chukwuemeka", "Babatunde", "Ibrahim", "Olumide", "Emeka", "Abdullahi", "Oluwafemi", "Chinedu", "Musa",
            "Adebayo", "Obinna", "Suleiman", "Tochukwu", "Yakubu")),
    "GT": (("Rosa Maria", "Ana Lucia", "Marta Elena", "Juana", "Ixchel", "Candelaria", "Dominga", "Petrona",
            "Floridalma", "Sonia", "Gloria", "Maribel"),
           ("Jose Luis", "Juan Carlos", "Esteban", "Baltazar", "Tomas", "Diego", "Francisco", "Santiago", "Pedro",
            "Mynor", "Edgar", "Rigoberto")),
}
SURNAMES: dict[str, tuple[str, ...]] = {
    "KE": ("Kamau", "Otieno", "Mwangi", "Ochieng", "Wanjala", "Kiprotich", "Mutiso", "Njoroge", "Omondi", "Cheruiyot",
           "Wekesa", "Kariuki", "Muriuki", "Chepkoech", "Odongo", "Nyaga"),
    "PH": ("Dela Cruz", "Santos", "Reyes", "Bautista", "Villanueva", "Mendoza", "Garcia", "Aquino", "Ramos",
           "Castillo", "Manalo", "Pascual", "Soriano", "Dimaculangan"),
    "NG": ("Okafor", "Adeyemi", "Okonkwo", "Abubakar", "Balogun", "Eze", "Nwosu", "Ogunleye", "Danjuma", "Uchenna",
           "Afolabi", "Mohammed", "Adeleke", "Igwe"),
    "GT": ("Lopez", "Xicara", "Tzoc", "Ajanel", "Garcia", "Coj", "Perez", "Chavajay", "Mendez", "Sicajau", "Yax",
           "Hernandez", "Batz", "Quiej"),
}
ABROAD_GIVEN = (("Margaret", "Sophie", "Hannah", "Emily", "Charlotte", "Ingrid", "Mei Ling", "Priya"),
                ("William", "Thomas", "Lukas", "Daniel", "Michael", "Hiroshi", "Andrew", "Samuel"))
ABROAD_SURNAMES = ("Thompson", "Fischer", "Anderson", "Van der Berg", "Nakamura", "O'Connor", "Whitfield", "Lindqvist")

_SYLLABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (starts, endings)
    "KE": (("Kima", "Muthu", "Ndege", "Kiri", "Olo", "Chem", "Nyaka", "Mato", "Kaba", "Ruri"),
           ("longo", "ngare", "wamba", "bichi", "tugen", "rigoi", "kamor", "ndeti")),
    "PH": (("Bara", "Maha", "Dali", "Tuma", "Sina", "Lunga", "Pina", "Cala"),
           ("ngayan", "bahay", "wisan", "lugod", "ngisog", "maylon", "wasang", "pitan")),
    "NG": (("Oke", "Ado", "Ibi", "Umu", "Ezi", "Gwa", "Kafa", "Iso"),
           ("gbemi", "lokun", "adibe", "nchara", "rimawa", "yelwa", "tedo", "wunmi")),
    "GT": (("Xeca", "Chui", "Panaj", "Tzal", "Sacal", "Pachu", "Chima", "Xolb"),
           ("tenango", "mixcun", "abaj", "quiyu", "jolom", "chiquel", "najab", "tzuj")),
}


def village_name(country: str, rng: random.Random, taken: set[str]) -> str:
    starts, ends = _SYLLABLES.get(country, _SYLLABLES["KE"])
    for _ in range(200):
        name = rng.choice(starts) + rng.choice(ends)
        if name not in taken:
            taken.add(name)
            return name
    n = len(taken)
    name = f"{rng.choice(starts)}{rng.choice(ends)} {n}"
    taken.add(name)
    return name


def person_name(country: str, female: bool, rng: random.Random, abroad: bool = False) -> str:
    given: tuple[str, ...]
    surnames: tuple[str, ...]
    if abroad or country not in GIVEN:
        given, surnames = ABROAD_GIVEN[0 if female else 1], ABROAD_SURNAMES
    else:
        given, surnames = GIVEN[country][0 if female else 1], SURNAMES[country]
    name = f"{rng.choice(given)} {rng.choice(surnames)}"
    return name if len(name) >= 9 else f"{rng.choice(given)} {name}"
