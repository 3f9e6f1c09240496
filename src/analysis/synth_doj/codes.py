"""The DOJ AB 1793 layout and the codes the synthetic file writes.

``COLUMNS`` is the file's 95 fields in order (the reader's, :mod:`analysis.doj.layout`).
The offense descriptions read as the state's extract spells them (``11359 HS-POSSESS
MARIJUANA FOR SALE``: the code section before the first ``-``). Courts and agencies are
those of Los Angeles County, named the way the extract's ``STP_ORI_DESCR`` runs a type
prefix into a place (``CASC`` a superior court, ``CAPD`` a police department, ``CASO`` a
sheriff). The ORI codes beside them are made up (they start ``CA99``, a range no agency
holds). Race codes are this project's: the reference tool's fixtures leave them blank
and the state's list is not public.
"""

from __future__ import annotations

from ..doj import layout

__all__ = ["AGENCIES", "CITY_PROSECUTOR_COURTS", "COLUMNS", "COUNTIES", "COURTS", "LA",
           "OFFENSES", "OTHER_FELONIES", "OTHER_MISDEMEANORS", "PROP64_FELONY",
           "PROP64_MISDEMEANOR", "RACES", "REGISTRATION", "SEX_OFFENSES", "SUPERSTRIKES"]

# the 95 fields in order: the layout the reader checks files against
COLUMNS = layout.COLUMNS

LA = "LOS ANGELES"
# County name -> the state's two-digit county number (alphabetical order of the 58).
COUNTIES = {LA: "19", "ORANGE": "30", "RIVERSIDE": "33", "SAN BERNARDINO": "36",
            "SAN DIEGO": "37", "KERN": "15", "VENTURA": "56"}

# Superior Court courthouses of Los Angeles County that hear criminal cases.
COURTS = ("CASCCLARA SHORTRIDGE FOLTZ", "CASCLONG BEACH", "CASCPASADENA", "CASCTORRANCE",
          "CASCCOMPTON", "CASCVAN NUYS", "CASCANTELOPE VALLEY", "CASCPOMONA",
          "CASCNORWALK", "CASCSANTA MONICA", "CASCALHAMBRA", "CASCAIRPORT",
          "CASCSAN FERNANDO", "CASCINGLEWOOD", "CASCDOWNEY", "CASCWEST COVINA")
# Those of them in the ten cities with their own prosecutor (Los Angeles, Long Beach,
# Pasadena, Torrance, Santa Monica, Inglewood), where the Prop 64 misdemeanors are heard.
CITY_PROSECUTOR_COURTS = ("CASCCLARA SHORTRIDGE FOLTZ", "CASCLONG BEACH", "CASCPASADENA",
                          "CASCTORRANCE", "CASCVAN NUYS", "CASCSANTA MONICA", "CASCAIRPORT",
                          "CASCINGLEWOOD")
# Arresting agencies of Los Angeles County.
AGENCIES = ("CAPDLOS ANGELES", "CASOLOS ANGELES", "CAPDLONG BEACH", "CAPDPASADENA",
            "CAPDINGLEWOOD", "CAPDTORRANCE", "CAPDBURBANK", "CAPDSANTA MONICA",
            "CAPDHAWTHORNE", "CAPDPOMONA", "CAPDGLENDALE", "CAPDEL MONTE")

# Offense descriptions by code section key. Prop 64 felonies, then misdemeanors.
PROP64_FELONY = {
    "11357(A)": "11357(A) HS-POSSESS CONCENTRATED CANNABIS",
    "11357": "11357 HS-POSSESS MARIJUANA",  # no subsection: "other 11357", hand review
    "11358": "11358 HS-CULTIVATE MARIJUANA",
    "11359": "11359 HS-POSSESS MARIJUANA FOR SALE",
    "11360": "11360(A) HS-TRANSPORT/SELL MARIJUANA",
}
PROP64_MISDEMEANOR = {
    "11357(B)": "11357(B) HS-POSSESS MARIJUANA 28.5 GRAMS OR LESS",
    "11357(C)": "11357(C) HS-POSSESS MARIJUANA OVER 28.5 GRAMS",
}
OTHER_FELONIES = (
    "11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE", "459 PC-BURGLARY",
    "10851(A) VC-TAKE VEHICLE W/O OWNER CONSENT", "496(A) PC-RECEIVE KNOWN STOLEN PROPERTY",
    "245(A)(1) PC-ASSAULT WITH DEADLY WEAPON", "211 PC-ROBBERY",
    "11378 HS-POSSESS CONTROLLED SUBSTANCE FOR SALE", "12020(A) PC-POSSESS DEADLY WEAPON",
)
OTHER_MISDEMEANORS = (
    "23152(A) VC-DUI ALCOHOL/DRUGS", "484 PC-PETTY THEFT",
    "148(A)(1) PC-OBSTRUCT/RESIST PUBLIC OFFICER", "647(F) PC-DISORDERLY CONDUCT:INTOX",
    "12500(A) VC-DRIVE WITHOUT LICENSE", "242 PC-BATTERY", "594(B)(2)(A) PC-VANDALISM",
)
# Penal Code 667(e)(2)(C)(iv) offences (homicides of sections 187 to 191.5).
SUPERSTRIKES = ("187 PC-MURDER", "191.5 PC-GROSS VEHICULAR MANSLAUGHTER WHILE INTOX")
# Offences that require registration under PC 290 and are not superstrikes.
SEX_OFFENSES = {"F": "243.4(A) PC-SEXUAL BATTERY",
                "M": "647.6(A) PC-ANNOY/MOLEST CHILD UNDER 18"}
REGISTRATION = "290 PC-REGISTRATION OF SEX OFFENDER"

OFFENSES = {**PROP64_FELONY, **PROP64_MISDEMEANOR}

# Race code -> description, as this project writes them.
RACES = {"H": "HISPANIC", "B": "BLACK", "W": "WHITE", "A": "OTHER ASIAN", "O": "OTHER",
         "U": "UNKNOWN"}


def __dir__() -> list[str]:
    return sorted(__all__)
