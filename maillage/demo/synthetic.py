"""A seeded, fictional Québec social-economy workbook around the real umbrella organizations."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from maillage import data
from maillage.ground.vocabulary import ORGANIZATION_COLUMNS, TIE_COLUMNS, TIE_TYPES, VISIBILITIES

DEMO = Path(__file__).resolve().parent
REGIONS_CSV = data.path("quebec_regions.csv")

#: Organization columns of a generated workbook: the canonical ones plus provenance.
COLUMNS = (*ORGANIZATION_COLUMNS, "synthetic", "source_ref")

N_ENTERPRISES = 11_200
N_COMMUNITY_GROUPS = 4_000
N_LOCAL_NETWORKS = 85
N_FUNDERS = 15
N_FOREIGN = 90

FIRST_YEAR = 2000
LAST_YEAR = 2026
#: Last day-of-year (0-based) used for dates in the current year, so no date lies in the future.
LAST_DAY_OF_LAST_YEAR = 300
SYNTHETIC_REF = "synthetic"

# (region, city, lat, lon, weight, regional pole id or "" when the city has none in maillage/demo)
CITIES: tuple[tuple[str, str, float, float, float, str], ...] = (
    ("01", "Rimouski", 48.449, -68.523, 4, "pole-es-bas-saint-laurent"),
    ("01", "Rivière-du-Loup", 47.836, -69.536, 3, "pole-es-bas-saint-laurent"),
    ("01", "Matane", 48.846, -67.532, 2, "pole-es-bas-saint-laurent"),
    ("01", "Amqui", 48.463, -67.431, 1, "pole-es-bas-saint-laurent"),
    ("01", "La Pocatière", 47.366, -70.033, 1, "pole-es-bas-saint-laurent"),
    ("02", "Saguenay", 48.428, -71.068, 6, "pole-es-saguenay-lac-saint-jean"),
    ("02", "Alma", 48.550, -71.650, 2, "pole-es-saguenay-lac-saint-jean"),
    ("02", "Roberval", 48.519, -72.223, 1, "pole-es-saguenay-lac-saint-jean"),
    ("02", "Dolbeau-Mistassini", 48.878, -72.231, 1, "pole-es-saguenay-lac-saint-jean"),
    ("03", "Québec", 46.814, -71.208, 10, "pole-es-capitale-nationale"),
    ("03", "Baie-Saint-Paul", 47.441, -70.498, 1, "pole-es-capitale-nationale"),
    ("03", "Donnacona", 46.680, -71.726, 1, "pole-es-capitale-nationale"),
    ("03", "Saint-Raymond", 46.900, -71.833, 1, "pole-es-capitale-nationale"),
    ("03", "La Malbaie", 47.654, -70.153, 1, "pole-es-capitale-nationale"),
    ("04", "Trois-Rivières", 46.343, -72.543, 6, "pole-es-mauricie"),
    ("04", "Shawinigan", 46.566, -72.749, 3, "pole-es-mauricie"),
    ("04", "La Tuque", 47.436, -72.782, 1, "pole-es-mauricie"),
    ("04", "Louiseville", 46.255, -72.941, 1, "pole-es-mauricie"),
    ("05", "Sherbrooke", 45.404, -71.893, 7, "pole-es-estrie"),
    ("05", "Magog", 45.267, -72.148, 2, "pole-es-estrie"),
    ("05", "Coaticook", 45.134, -71.801, 1, "pole-es-estrie"),
    ("05", "Lac-Mégantic", 45.578, -70.884, 1, "pole-es-estrie"),
    ("05", "Val-des-Sources", 45.771, -71.944, 1, "pole-es-estrie"),
    ("06", "Montréal", 45.502, -73.567, 20, "pole-es-montreal"),
    ("06", "Dorval", 45.447, -73.745, 1, "pole-es-montreal"),
    ("06", "Pointe-Claire", 45.449, -73.817, 1, "pole-es-montreal"),
    ("06", "Montréal-Est", 45.632, -73.507, 1, "pole-es-montreal"),
    ("07", "Gatineau", 45.477, -75.701, 8, "pole-es-outaouais"),
    ("07", "Maniwaki", 46.375, -75.967, 1, "pole-es-outaouais"),
    ("07", "Papineauville", 45.617, -75.017, 1, "pole-es-outaouais"),
    ("07", "Shawville", 45.600, -76.483, 1, "pole-es-outaouais"),
    ("08", "Rouyn-Noranda", 48.237, -79.023, 3, "pole-es-abitibi-temiscamingue"),
    ("08", "Val-d'Or", 48.097, -77.797, 3, "pole-es-abitibi-temiscamingue"),
    ("08", "Amos", 48.566, -78.116, 2, "pole-es-abitibi-temiscamingue"),
    ("08", "Ville-Marie", 47.333, -79.433, 1, "pole-es-abitibi-temiscamingue"),
    ("08", "La Sarre", 48.800, -79.200, 1, "pole-es-abitibi-temiscamingue"),
    ("09", "Sept-Îles", 50.212, -66.381, 3, "pole-es-cote-nord"),
    ("09", "Baie-Comeau", 49.217, -68.150, 3, "pole-es-cote-nord"),
    ("09", "Forestville", 48.738, -69.080, 1, "pole-es-cote-nord"),
    ("09", "Havre-Saint-Pierre", 50.243, -63.600, 1, "pole-es-cote-nord"),
    ("10", "Chibougamau", 49.913, -74.379, 3, ""),
    ("10", "Matagami", 49.750, -77.633, 1, ""),
    ("10", "Lebel-sur-Quévillon", 49.050, -76.983, 1, ""),
    ("10", "Kuujjuaq", 58.100, -68.400, 1, ""),
    ("11", "Gaspé", 48.832, -64.487, 3, "pole-es-gaspesie-iles"),
    ("11", "Sainte-Anne-des-Monts", 49.124, -66.492, 1, "pole-es-gaspesie-iles"),
    ("11", "Chandler", 48.350, -64.683, 1, "pole-es-gaspesie-iles"),
    ("11", "New Richmond", 48.167, -65.867, 1, "pole-es-gaspesie-iles"),
    ("11", "Les Îles-de-la-Madeleine", 47.383, -61.867, 2, "pole-es-gaspesie-iles"),
    ("12", "Lévis", 46.803, -71.178, 5, "pole-es-chaudiere-appalaches"),
    ("12", "Saint-Georges", 46.117, -70.667, 3, "pole-es-chaudiere-appalaches"),
    ("12", "Thetford Mines", 46.093, -71.305, 2, "pole-es-chaudiere-appalaches"),
    ("12", "Montmagny", 46.980, -70.555, 1, "pole-es-chaudiere-appalaches"),
    ("12", "Sainte-Marie", 46.433, -71.017, 1, "pole-es-chaudiere-appalaches"),
    ("13", "Laval", 45.607, -73.712, 1, "pole-es-laval"),
    ("14", "Joliette", 46.021, -73.440, 3, "pole-es-lanaudiere"),
    ("14", "Terrebonne", 45.700, -73.647, 3, "pole-es-lanaudiere"),
    ("14", "Repentigny", 45.742, -73.450, 2, "pole-es-lanaudiere"),
    ("14", "Mascouche", 45.750, -73.600, 1, "pole-es-lanaudiere"),
    ("14", "Saint-Michel-des-Saints", 46.683, -73.917, 1, "pole-es-lanaudiere"),
    ("15", "Saint-Jérôme", 45.780, -74.004, 3, "pole-es-laurentides"),
    ("15", "Mont-Tremblant", 46.118, -74.596, 1, "pole-es-laurentides"),
    ("15", "Sainte-Agathe-des-Monts", 46.050, -74.283, 1, "pole-es-laurentides"),
    ("15", "Mirabel", 45.650, -74.083, 2, "pole-es-laurentides"),
    ("15", "Blainville", 45.670, -73.883, 2, "pole-es-laurentides"),
    ("16", "Longueuil", 45.531, -73.518, 5, "pole-es-longueuil"),
    ("16", "Saint-Hyacinthe", 45.630, -72.957, 2, ""),
    ("16", "Granby", 45.400, -72.733, 2, ""),
    ("16", "Saint-Jean-sur-Richelieu", 45.307, -73.262, 2, ""),
    ("16", "Salaberry-de-Valleyfield", 45.253, -74.132, 2, "pole-es-vallee-du-haut-saint-laurent"),
    ("16", "Vaudreuil-Dorion", 45.400, -74.033, 2, "pole-es-vallee-du-haut-saint-laurent"),
    ("16", "Sorel-Tracy", 46.043, -73.113, 1, ""),
    ("17", "Drummondville", 45.880, -72.484, 3, "pole-es-centre-du-quebec"),
    ("17", "Victoriaville", 46.057, -71.965, 3, "pole-es-centre-du-quebec"),
    ("17", "Nicolet", 46.217, -72.617, 1, "pole-es-centre-du-quebec"),
    ("17", "Bécancour", 46.333, -72.433, 1, "pole-es-centre-du-quebec"),
)

LEGAL_FORMS = ("coopérative", "OBNL", "mutuelle")

# sector, share of enterprises, P(coop, OBNL, mutual), coop name kinds, OBNL name kinds
SECTORS: tuple[
    tuple[str, float, tuple[float, float, float], tuple[str, ...], tuple[str, ...]], ...
] = (
    (
        "alimentation",
        0.08,
        (0.55, 0.45, 0.0),
        (
            "Coopérative d'alimentation",
            "Épicerie coopérative",
            "Boulangerie coopérative",
            "Café coopératif",
            "Marché coopératif",
        ),
        ("Cuisine collective", "Marché solidaire", "Traiteur solidaire", "Épicerie solidaire"),
    ),
    (
        "habitation",
        0.14,
        (0.45, 0.55, 0.0),
        ("Coopérative d'habitation",),
        ("Habitations", "Résidence", "OSBL d'habitation"),
    ),
    (
        "services aux personnes",
        0.11,
        (0.3, 0.68, 0.02),
        ("Coopérative de services à domicile", "Coopérative de santé", "Coopérative de solidarité"),
        ("Entreprise d'aide à domicile", "Services d'aide", "Centre de services"),
    ),
    (
        "loisir et tourisme",
        0.10,
        (0.3, 0.7, 0.0),
        ("Coopérative de solidarité", "Auberge coopérative", "Coopérative de plein air"),
        ("Base de plein air", "Camp", "Centre de loisirs", "Auberge"),
    ),
    (
        "culture",
        0.10,
        (0.25, 0.75, 0.0),
        ("Coopérative de travail", "Coopérative culturelle", "Librairie coopérative"),
        ("Théâtre", "Centre d'artistes", "Diffusion culturelle", "Atelier"),
    ),
    (
        "environnement et recyclage",
        0.06,
        (0.3, 0.7, 0.0),
        ("Coopérative de solidarité", "Ressourcerie coopérative"),
        ("Ressourcerie", "Atelier de réemploi", "Écocentre"),
    ),
    (
        "commerce de détail",
        0.07,
        (0.6, 0.4, 0.0),
        ("Magasin coopératif", "Coopérative de consommateurs", "Quincaillerie coopérative"),
        ("Friperie", "Boutique solidaire", "Comptoir"),
    ),
    (
        "finance solidaire",
        0.02,
        (0.5, 0.2, 0.3),
        ("Coopérative de crédit", "Coopérative d'épargne"),
        ("Fonds communautaire", "Cercle d'emprunt"),
    ),
    (
        "médias et communications",
        0.03,
        (0.3, 0.7, 0.0),
        ("Coopérative de journalisme", "Coopérative de travail"),
        ("Radio communautaire", "Journal communautaire", "Télévision communautaire"),
    ),
    (
        "petite enfance",
        0.09,
        (0.0, 1.0, 0.0),
        (),
        ("Centre de la petite enfance",),
    ),
    (
        "insertion",
        0.04,
        (0.0, 1.0, 0.0),
        (),
        ("Entreprise d'insertion", "Atelier d'insertion", "Plateau de travail"),
    ),
    (
        "foresterie",
        0.03,
        (0.85, 0.15, 0.0),
        ("Coopérative forestière",),
        ("Groupement forestier",),
    ),
    (
        "agriculture",
        0.07,
        (0.75, 0.25, 0.0),
        ("Coopérative agricole", "Coopérative maraîchère", "Fromagerie coopérative"),
        ("Ferme solidaire", "Jardin collectif"),
    ),
    (
        "services funéraires",
        0.02,
        (0.9, 0.1, 0.0),
        ("Coopérative funéraire",),
        ("Maison funéraire solidaire",),
    ),
    (
        "transport",
        0.04,
        (0.5, 0.5, 0.0),
        ("Coopérative de taxi", "Coopérative d'autopartage"),
        ("Transport collectif", "Transport adapté"),
    ),
)
MUTUAL_KINDS = ("Mutuelle", "Mutuelle d'assurance")

COMMUNITY_KINDS: tuple[tuple[str, str], ...] = (
    ("Centre communautaire", "action communautaire"),
    ("Maison des jeunes", "jeunesse"),
    ("Maison de la famille", "famille"),
    ("Centre de femmes", "condition féminine"),
    ("Groupe d'entraide", "santé et services sociaux"),
    ("Comptoir alimentaire", "sécurité alimentaire"),
    ("Cuisines collectives", "sécurité alimentaire"),
    ("Comité logement", "logement"),
    ("Association des locataires", "logement"),
    ("Centre d'action bénévole", "action bénévole"),
    ("Centre d'éducation populaire", "éducation populaire"),
    ("Association des aînés", "aînés"),
    ("Accueil des nouveaux arrivants", "immigration"),
)

LOCAL_NETWORK_KINDS = (
    "Table de concertation",
    "Regroupement communautaire",
    "Réseau local",
    "Concertation",
)
FUNDER_KINDS = ("Fondation", "Fonds solidaire", "Fonds de développement")


def _parts(words: str) -> tuple[str, ...]:
    """The ``|``-separated words of a long list kept compact in the source."""
    return tuple(words.split("|"))


#: Heads of fictional proper names ("Le Phare", "Les Jardins", ...).
HEADS = _parts(
    "Le Phare|La Mie|Les Jardins|L'Arbre|Le Carrefour|La Source|L'Envol|Le Grenier|"
    "La Boussole|Le Sentier|La Passerelle|Les Ateliers|Le Moulin|La Fabrique|Le Quai|"
    "La Grange|L'Escale|Le Relais|La Clairière|Les Semences|Le Rucher|La Marée|"
    "L'Abri|Le Fil|La Trame|Le Pont|La Halte|Le Nid|La Racine|Les Sillons|Le Fanal|"
    "La Courtepointe|L'Atelier|Le Fournil|La Boîte|Le Bercail|La Lanterne|"
    "Les Voisins|L'Étincelle|Le Colibri|La Grève|Le Tisserand|La Corvée|"
    "Les Tournesols|Le Havre|La Bourrasque|Le Cerf-Volant|La Mosaïque|L'Érablière|"
    "Le Portage|La Fourmilière|Le Sémaphore|La Brûlerie|Le Verger|La Bergerie|"
    "Les Chantiers|Le Terroir|La Courée|L'Îlot|Le Rouet|La Forge|Les Pousses|"
    "Le Fenil|La Navette|Le Belvédère|La Rosée|Le Sablier|La Charrette|"
    "Les Hirondelles|Le Quartier|La Chaloupe|Le Boisé|La Virée|Les Cordées|"
    "Le Bivouac|La Cabane|Le Gîte|La Roulotte|Les Lucioles|Le Tournant"
)
#: What may follow a head ("du Fleuve"); adjectives agree in number with "Les ..." heads.
COMPLEMENTS = _parts(
    "du Fleuve|des Battures|de l'Anse|des Quatre-Vents|des Érables|du Ruisseau|"
    "des Monts|du Rivage|de la Baie|des Prés|du Plateau|des Pins|de la Colline|"
    "du Lac|des Saules|du Nord|de l'Estuaire|des Bouleaux|du Rang|de la Rive|"
    "des Cèdres|du Vallon|des Marées|de la Savane|du Canton|des Îlots|de la Pointe|"
    "du Village|des Bleuets|de la Forêt|des Outardes|du Coteau|de la Chute|"
    "des Trembles|du Cran|des Grèves|de la Falaise|du Marais|des Épinettes|"
    "de la Montée|du Sous-Bois|des Glaneurs|de la Traverse|du Petit-Bois|"
    "des Pommiers|de la Butte|du Haut-Pays|des Rapides|de la Prairie|du Bas-Côté|"
    "Libre|Solidaire"
)
THEMES = (
    "jeunesse",
    "aînés",
    "femmes",
    "immigration",
    "autochtone",
    "rural",
    "numérique",
    "zéro déchet",
    "achat local",
    "logement abordable",
    "transition écologique",
    "inclusion",
)

# country, city, lat, lon, continental RIPESS network in maillage/demo, language of names
FOREIGN_CITIES: tuple[tuple[str, str, float, float, str, str], ...] = (
    ("FR", "Paris", 48.857, 2.352, "ripess-eu", "fr"),
    ("FR", "Lyon", 45.764, 4.836, "ripess-eu", "fr"),
    ("BE", "Bruxelles", 50.850, 4.352, "ripess-eu", "fr"),
    ("ES", "Barcelona", 41.385, 2.173, "ripess-eu", "es"),
    ("IT", "Bologna", 44.494, 11.343, "ripess-eu", "en"),
    ("PT", "Lisboa", 38.722, -9.139, "ripess-eu", "pt"),
    ("DE", "Berlin", 52.520, 13.405, "ripess-eu", "en"),
    ("GB", "Glasgow", 55.864, -4.252, "ripess-eu", "en"),
    ("BR", "São Paulo", -23.551, -46.633, "ripess-lac", "pt"),
    ("AR", "Buenos Aires", -34.604, -58.382, "ripess-lac", "es"),
    ("MX", "Ciudad de México", 19.433, -99.133, "ripess-lac", "es"),
    ("CL", "Santiago", -33.449, -70.669, "ripess-lac", "es"),
    ("PE", "Lima", -12.046, -77.043, "ripess-lac", "es"),
    ("BO", "La Paz", -16.490, -68.119, "ripess-lac", "es"),
    ("CO", "Bogotá", 4.711, -74.072, "ripess-lac", "es"),
    ("HT", "Port-au-Prince", 18.594, -72.307, "ripess-lac", "fr"),
    ("SN", "Dakar", 14.716, -17.467, "ripess-africa", "fr"),
    ("ML", "Bamako", 12.639, -8.003, "ripess-africa", "fr"),
    ("MA", "Rabat", 34.020, -6.841, "ripess-africa", "fr"),
    ("BF", "Ouagadougou", 12.371, -1.520, "ripess-africa", "fr"),
    ("CM", "Yaoundé", 3.848, 11.502, "ripess-africa", "fr"),
    ("CI", "Abidjan", 5.360, -4.008, "ripess-africa", "fr"),
    ("TN", "Tunis", 36.807, 10.181, "ripess-africa", "fr"),
    ("KR", "Seoul", 37.566, 126.978, "asec", "en"),
    ("JP", "Osaka", 34.694, 135.502, "asec", "en"),
    ("PH", "Quezon City", 14.676, 121.044, "asec", "en"),
    ("IN", "Mumbai", 19.076, 72.878, "asec", "en"),
    ("VN", "Hanoi", 21.028, 105.854, "asec", "en"),
    ("US", "Oakland", 37.804, -122.271, "ripess-na", "en"),
    ("US", "New York", 40.713, -74.006, "ripess-na", "en"),
)
FOREIGN_KINDS = {
    "fr": ("Réseau solidaire", "Coopérative", "Association"),
    "es": ("Red de Economía Solidaria", "Cooperativa", "Asociación"),
    "pt": ("Rede de Economia Solidária", "Cooperativa", "Associação"),
    "en": ("Solidarity Economy Network", "Cooperative", "Community Enterprise Alliance"),
}
FOREIGN_HEADS = {
    "fr": ("La Navette", "Le Grenier", "La Lanterne", "Le Baobab", "La Ruchée", "L'Oasis"),
    "es": ("La Semilla", "El Puente", "La Minga", "El Colibrí", "La Trama", "El Fogón"),
    "pt": ("Semente", "Ponte", "Mutirão", "Raiz Comum", "Teia", "Colmeia"),
    "en": (
        "Common Thread",
        "Riverbend",
        "Open Field",
        "Harbour Light",
        "Shared Roots",
        "Many Hands",
    ),
}

#: Real funders of maillage/demo and their share of enterprise funding ties (rest: synthetic).
REAL_FUNDERS = (
    ("caisse-economie-solidaire", 0.30),
    ("risq", 0.11),
    ("fiducie-chantier", 0.11),
    ("investissement-quebec", 0.12),
    ("filaction", 0.07),
    ("fondaction", 0.06),
    ("fonds-ftq", 0.03),
)

# sector, legal form ("" = any), network id in maillage/demo, probability of membership
SECTOR_NETWORKS: tuple[tuple[str, str, str, float], ...] = (
    ("habitation", "coopérative", "cqch", 0.45),
    ("habitation", "OBNL", "rqoh", 0.35),
    ("alimentation", "coopérative", "fcaq", 0.40),
    ("foresterie", "coopérative", "fqcf", 0.70),
    ("services aux personnes", "OBNL", "reseau-eesad", 0.30),
    ("services aux personnes", "coopérative", "fcsdsq", 0.40),
    ("petite enfance", "", "aqcpe", 0.50),
    ("insertion", "", "ceiq", 0.45),
    ("insertion", "", "cqea", 0.15),
    ("services funéraires", "coopérative", "fcfq", 0.80),
    ("commerce de détail", "coopérative", "coopsco", 0.12),
    ("commerce de détail", "", "aqce", 0.05),
    ("environnement et recyclage", "", "ressourceries", 0.35),
    ("environnement et recyclage", "", "rqge", 0.10),
    ("médias et communications", "", "arcq", 0.25),
    ("médias et communications", "", "amecq", 0.25),
    ("médias et communications", "", "ftcaq", 0.10),
    ("loisir et tourisme", "", "cql", 0.20),
    ("agriculture", "coopérative", "sollio", 0.50),
    ("finance solidaire", "coopérative", "desjardins", 0.30),
    ("finance solidaire", "mutuelle", "cqcm", 0.40),
    ("", "coopérative", "reseau-coop", 0.12),
)

# supplier sector, client sector, share of supply ties
SUPPLY_CHAINS: tuple[tuple[str, str, float], ...] = (
    ("agriculture", "alimentation", 0.25),
    ("agriculture", "commerce de détail", 0.05),
    ("alimentation", "petite enfance", 0.15),
    ("alimentation", "loisir et tourisme", 0.10),
    ("foresterie", "habitation", 0.10),
    ("environnement et recyclage", "commerce de détail", 0.10),
    ("insertion", "services aux personnes", 0.10),
    ("insertion", "habitation", 0.05),
    ("médias et communications", "culture", 0.05),
    ("culture", "loisir et tourisme", 0.05),
)

TIE_CODE = {name: code for code, name in enumerate(TIE_TYPES)}


@dataclass
class _Ties:
    """Ties under construction: endpoint positions in the organizations table, types, weights."""

    source: list[np.ndarray]
    target: list[np.ndarray]
    kind: list[np.ndarray]
    weight: list[np.ndarray]

    def add(self, source: np.ndarray, target: np.ndarray, kind: str, weight: np.ndarray) -> None:
        """Append ties of one type."""
        self.source.append(np.asarray(source, dtype=np.int64))
        self.target.append(np.asarray(target, dtype=np.int64))
        self.kind.append(np.full(len(source), TIE_CODE[kind], dtype=np.int64))
        self.weight.append(np.asarray(weight, dtype=np.int64))


def read_curated(folder: Path = DEMO) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hand-curated real organizations and ties of ``maillage/demo``, typed as generated."""
    orgs = pd.read_csv(folder / "organizations.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(folder / "ties.csv", dtype=str, keep_default_na=False)
    orgs = orgs.replace("", None)
    ties = ties.replace("", None)
    for column in ("lat", "lon"):
        orgs[column] = pd.to_numeric(orgs[column]).astype("float64")
    for column in ("founded", "members", "employees"):
        orgs[column] = pd.to_numeric(orgs[column]).astype("Int64")
    orgs["synthetic"] = orgs["synthetic"].str.lower().eq("true")
    ties["weight"] = pd.to_numeric(ties["weight"]).astype("int64")
    return orgs.reindex(columns=list(COLUMNS)), ties.reindex(columns=list(TIE_COLUMNS))


def read_regions(path: Path = REGIONS_CSV) -> pd.DataFrame:
    """Québec's 17 administrative regions with their population (MAMH directory)."""
    return pd.read_csv(path, dtype={"code": str})


def allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer parts proportional to ``shares`` (largest remainder).

    >>> allocate(10, np.array([1.0, 1.0, 2.0])).tolist()
    [3, 2, 5]
    """
    exact = total * shares / shares.sum()
    parts = np.floor(exact).astype(np.int64)
    leftover = total - int(parts.sum())
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:leftover]] += 1
    return parts


def _pick_in_groups(
    rng: np.random.Generator, wanted: np.ndarray, groups: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each wanted group, a node of that group drawn with probability ∝ weight.

    Returns the node positions and a mask of the draws whose group had positive weight.
    """
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    cumulative = np.cumsum(weights[order].astype(np.float64))
    start = np.searchsorted(sorted_groups, wanted, side="left")
    end = np.searchsorted(sorted_groups, wanted, side="right")
    low = np.where(start > 0, cumulative[np.maximum(start - 1, 0)], 0.0)
    high = np.where(end > 0, cumulative[np.maximum(end - 1, 0)], 0.0)
    valid = (end > start) & (high > low)
    point = low + rng.random(len(wanted)) * (high - low)
    position = np.searchsorted(cumulative, point, side="right")
    position = np.clip(position, start, np.maximum(end - 1, start))
    position = np.minimum(position, len(order) - 1)
    return order[position], valid


def _proper_names(rng: np.random.Generator, n: int) -> list[str]:
    """Fictional proper names such as "Les Jardins du Fleuve" or "La Halte Solidaire"."""
    heads = rng.integers(len(HEADS), size=n)
    complements = rng.integers(len(COMPLEMENTS), size=n)
    with_complement = rng.random(n) < 0.9
    names = []
    for head, complement, has in zip(
        heads.tolist(), complements.tolist(), with_complement.tolist(), strict=True
    ):
        word = HEADS[head]
        if has:
            extra = COMPLEMENTS[complement]
            if word.startswith("Les ") and extra[0].isupper():
                extra += "s"
            word = f"{word} {extra}"
        names.append(word)
    return names


def _tags(rng: np.random.Generator, n: int) -> list[str | None]:
    """Zero to two themes per organization, joined by ``|``."""
    count = rng.choice(3, size=n, p=[0.5, 0.35, 0.15])
    first = rng.integers(len(THEMES), size=n)
    second = (first + 1 + rng.integers(len(THEMES) - 1, size=n)) % len(THEMES)
    tags: list[str | None] = []
    for k, a, b in zip(count.tolist(), first.tolist(), second.tolist(), strict=True):
        if k == 0:
            tags.append(None)
        elif k == 1:
            tags.append(THEMES[a])
        else:
            tags.append(f"{THEMES[a]}|{THEMES[b]}")
    return tags


def _ids(prefix: str, n: int) -> list[str]:
    """Stable ids ``prefix-00001``..., at least five digits wide."""
    width = max(5, len(str(n)))
    return [f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)]


def _founded(rng: np.random.Generator, n: int, mean_age: float, oldest: int) -> np.ndarray:
    """Founding years skewed to the recent past, never after 2025."""
    age = np.floor(rng.exponential(mean_age, size=n)).astype(np.int64)
    return np.clip(LAST_YEAR - 1 - age, oldest, LAST_YEAR - 1)


def _lognormal(
    rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int
) -> np.ndarray:
    """Rounded log-normal counts around ``median``."""
    return np.round(np.asarray(median) * np.exp(rng.normal(0.0, sigma, size=n))).astype(np.int64)


def _place(
    rng: np.random.Generator, regions: pd.DataFrame, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Region codes in proportion to population (exactly) and a city index for each of n."""
    counts = allocate(n, regions["population"].to_numpy(dtype=np.float64))
    codes = np.repeat(regions["code"].to_numpy(dtype=object), counts)
    codes = codes[rng.permutation(n)]
    city_region = np.array([c[0] for c in CITIES], dtype=object)
    city_weight = np.array([c[4] for c in CITIES], dtype=np.float64)
    code_number = np.array([int(c) for c in codes], dtype=np.int64)
    city_number = np.array([int(c) for c in city_region], dtype=np.int64)
    city, valid = _pick_in_groups(rng, code_number, city_number, city_weight)
    if not valid.all():
        raise ValueError("every region of quebec_regions.csv needs at least one city in CITIES")
    return codes, city


def _dates(
    rng: np.random.Generator, lower: np.ndarray, share_ended: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of ``since`` (not before ``lower``) and ``until`` (-1 = ongoing) dates.

    A code is ``(year - 2000) * 1000 + day of year``, or ``+ 999`` for a bare year; see
    :func:`_date_strings`. Also returns whether each tie ended.
    """
    n = len(lower)
    lower = np.clip(lower, FIRST_YEAR, LAST_YEAR)
    year = lower + np.floor(rng.random(n) * (LAST_YEAR + 1 - lower)).astype(np.int64)
    last_day = np.where(year == LAST_YEAR, LAST_DAY_OF_LAST_YEAR, 364)
    day = np.floor(rng.random(n) * (last_day + 1)).astype(np.int64)
    full_date = rng.random(n) < 0.6
    since = (year - FIRST_YEAR) * 1000 + np.where(full_date, day, 999)

    eligible = year <= LAST_YEAR - 2
    ended = eligible & (rng.random(n) < share_ended * n / max(int(eligible.sum()), 1))
    until_year = year + 1 + np.floor(rng.random(n) * (LAST_YEAR - year)).astype(np.int64)
    until_year = np.minimum(until_year, LAST_YEAR)
    until_last = np.where(until_year == LAST_YEAR, LAST_DAY_OF_LAST_YEAR, 364)
    until_day = np.floor(rng.random(n) * (until_last + 1)).astype(np.int64)
    until = (until_year - FIRST_YEAR) * 1000 + np.where(full_date, until_day, 999)
    return since, np.where(ended, until, -1), ended


def _take(
    words: Sequence[str | None] | np.ndarray, codes: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``words[codes]`` as a pandas string array (-1 gives a missing value), without a loop."""
    return pd.array(np.asarray(words, dtype=object), dtype="str").take(codes, allow_fill=True)


def _date_strings(codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``YYYY-MM-DD`` or ``YYYY`` for date codes of :func:`_dates`; missing for -1."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    starts = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    table = np.full((len(years), 1000), None, dtype=object)
    days = starts[:, None] + np.arange(365).astype("timedelta64[D]")[None, :]
    table[:, :365] = days.astype(str)
    table[:, 999] = years.astype(str)
    return _take(table.ravel(), codes)


@dataclass
class _World:
    """The generated population, as arrays indexed by position, for the tie generators.

    Positions follow the organizations table: curated rows first, then enterprises,
    community groups, local networks, synthetic funders and foreign partners.
    """

    rng: np.random.Generator
    scale: float
    curated_ids: dict[str, int]
    counts: dict[str, int]
    ent_sector: np.ndarray
    ent_form: np.ndarray
    ent_founded: np.ndarray
    com_kind: np.ndarray
    com_founded: np.ndarray
    region: dict[str, np.ndarray]
    city: dict[str, np.ndarray]
    int_city: np.ndarray
    int_kind: np.ndarray
    founded: np.ndarray
    # set by _prepare_ties
    isolated: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    fitness: np.ndarray = field(default_factory=lambda: np.empty(0))
    broker: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    def start(self, kind: str) -> int:
        """Position of the first organization of a generated kind (``ent``, ``com``, ...)."""
        offset = len(self.curated_ids)
        for name in ("ent", "com", "net", "fun", "int"):
            if name == kind:
                return offset
            offset += self.counts[name]
        raise KeyError(kind)

    def pos(self, org_id: str) -> int:
        """Position of a curated organization; a clear error if maillage/demo lost it."""
        if org_id not in self.curated_ids:
            raise ValueError(f"maillage/demo/organizations.csv has no organization {org_id!r}")
        return self.curated_ids[org_id]

    @property
    def n_all(self) -> int:
        """Number of organizations, curated and generated."""
        return len(self.curated_ids) + sum(self.counts.values())

    @property
    def base(self) -> np.ndarray:
        """Positions of enterprises then community groups, the bulk of the graph."""
        return np.arange(self.start("ent"), self.start("net"))

    @property
    def base_region(self) -> np.ndarray:
        """Region number (1..17) of each enterprise then community group."""
        return np.concatenate([self.region["ent"], self.region["com"]]).astype(np.int64)

    @property
    def base_is_ent(self) -> np.ndarray:
        """True for the enterprises among the base positions."""
        return np.arange(self.counts["ent"] + self.counts["com"]) < self.counts["ent"]


def _sizes(scale: float, n_regions: int) -> dict[str, int]:
    """How many organizations of each generated kind at ``scale``."""
    return {
        "ent": round(N_ENTERPRISES * scale),
        "com": round(N_COMMUNITY_GROUPS * scale),
        "net": max(n_regions, round(N_LOCAL_NETWORKS * scale)),
        "fun": max(2, round(N_FUNDERS * scale)),
        "int": max(len(FOREIGN_CITIES) // 3, round(N_FOREIGN * scale)),
    }


def _organizations(
    rng: np.random.Generator, regions: pd.DataFrame, curated: pd.DataFrame, scale: float
) -> tuple[pd.DataFrame, _World]:
    """The fictional organizations table, and the arrays the tie generators need."""
    counts = _sizes(scale, len(regions))
    n_ent, n_com, n_net, n_fun, n_int = counts.values()

    sector_names = [s[0] for s in SECTORS]
    sector_share = np.array([s[1] for s in SECTORS])
    ent_sector = rng.choice(len(SECTORS), size=n_ent, p=sector_share / sector_share.sum())
    form_p = np.array([s[2] for s in SECTORS])
    cumulative_form = np.cumsum(form_p, axis=1)[ent_sector]
    ent_form = (rng.random(n_ent)[:, None] > cumulative_form).sum(axis=1).clip(0, 2)
    kind_draw = rng.random(n_ent)
    ent_kind = []
    for sector, form, draw in zip(
        ent_sector.tolist(), ent_form.tolist(), kind_draw.tolist(), strict=True
    ):
        kinds = MUTUAL_KINDS if form == 2 else SECTORS[sector][3 if form == 0 else 4]
        ent_kind.append(kinds[int(draw * len(kinds))])
    ent_names = [f"{k} {p}" for k, p in zip(ent_kind, _proper_names(rng, n_ent), strict=True)]
    ent_region, ent_city = _place(rng, regions, n_ent)
    ent_founded = _founded(rng, n_ent, 18.0, 1945)
    is_cpe = ent_sector == sector_names.index("petite enfance")
    is_housing = ent_sector == sector_names.index("habitation")
    employees_median = np.where(is_cpe, 25.0, np.where(is_housing, 1.0, 8.0))
    ent_employees = _lognormal(rng, employees_median, 1.0, n_ent)
    members_median = np.select([ent_form == 0, ent_form == 2], [60.0, 2500.0], 20.0)
    ent_members = _lognormal(rng, members_median, 1.1, n_ent).clip(min=3)

    com_kind = rng.integers(len(COMMUNITY_KINDS), size=n_com)
    com_names = _named(rng, [k[0] for k in COMMUNITY_KINDS], com_kind)
    com_region, com_city = _place(rng, regions, n_com)
    com_founded = _founded(rng, n_com, 20.0, 1960)
    com_employees = _lognormal(rng, 4.0, 0.9, n_com)
    com_members = _lognormal(rng, 40.0, 1.0, n_com).clip(min=5)

    net_names = _named(rng, LOCAL_NETWORK_KINDS, rng.integers(len(LOCAL_NETWORK_KINDS), size=n_net))
    net_region, net_city = _place(rng, regions, n_net)
    net_founded = rng.integers(1985, 2016, size=n_net)
    fun_names = _named(rng, FUNDER_KINDS, rng.integers(len(FUNDER_KINDS), size=n_fun))
    fun_region, fun_city = _place(rng, regions, n_fun)
    fun_founded = rng.integers(1970, 2016, size=n_fun)

    int_city = rng.integers(len(FOREIGN_CITIES), size=n_int)
    int_kind = rng.integers(3, size=n_int)
    int_head = rng.integers(6, size=n_int)
    int_names = []
    for c, k, h in zip(int_city.tolist(), int_kind.tolist(), int_head.tolist(), strict=True):
        _, city, _, _, _, language = FOREIGN_CITIES[c]
        int_names.append(f"{FOREIGN_KINDS[language][k]} {FOREIGN_HEADS[language][h]} ({city})")
    int_founded = rng.integers(1980, 2021, size=n_int)

    city_name = np.array([c[1] for c in CITIES], dtype=object)
    city_lat = np.array([c[2] for c in CITIES])
    city_lon = np.array([c[3] for c in CITIES])
    local_city = np.concatenate([ent_city, com_city, net_city, fun_city])
    n_local = len(local_city)
    n_syn = n_local + n_int
    foreign_lat = np.array([c[2] for c in FOREIGN_CITIES])[int_city]
    foreign_lon = np.array([c[3] for c in FOREIGN_CITIES])[int_city]
    lat = np.concatenate([city_lat[local_city], foreign_lat]) + rng.normal(0, 0.03, n_syn)
    lon = np.concatenate([city_lon[local_city], foreign_lon]) + rng.normal(0, 0.04, n_syn)
    kinds = ["enterprise", "community_group", "network", "funder", "international_partner"]
    legal = np.concatenate(
        [
            np.array(LEGAL_FORMS, dtype=object)[ent_form],
            np.full(n_com + n_net + n_fun, "OBNL", dtype=object),
            np.full(n_int, None, dtype=object),
        ]
    )
    sector = np.concatenate(
        [
            np.array(sector_names, dtype=object)[ent_sector],
            np.array([k[1] for k in COMMUNITY_KINDS], dtype=object)[com_kind],
            np.full(n_net, "action communautaire", dtype=object),
            np.full(n_fun, "finance solidaire", dtype=object),
            np.full(n_int, "multisectoriel", dtype=object),
        ]
    )
    founded = np.concatenate([ent_founded, com_founded, net_founded, fun_founded, int_founded])
    no_count = np.zeros(n_net + n_fun + n_int, np.int64)
    members = pd.array(np.concatenate([ent_members, com_members, no_count]), dtype="Int64")
    employees = pd.array(np.concatenate([ent_employees, com_employees, no_count]), dtype="Int64")
    unknown = rng.random(n_syn) < 0.15
    unknown[n_ent + n_com :] = True
    members[unknown] = pd.NA
    employees[rng.random(n_syn) < 0.10] = pd.NA
    employees[n_ent + n_com :] = pd.NA
    foreign = np.array([c[:2] for c in FOREIGN_CITIES], dtype=object)[int_city]
    orgs = pd.DataFrame(
        {
            "id": [i for kind, n in counts.items() for i in _ids(f"syn-{kind}", n)],
            "name": ent_names + com_names + net_names + fun_names + int_names,
            "type": np.repeat(np.array(kinds, dtype=object), list(counts.values())),
            "legal_form": legal,
            "sector": sector,
            "region": np.concatenate(
                [ent_region, com_region, net_region, fun_region, np.full(n_int, None, dtype=object)]
            ),
            "city": np.concatenate([city_name[local_city], foreign[:, 1]]),
            "country": np.concatenate([np.full(n_local, "CA", dtype=object), foreign[:, 0]]),
            "lat": lat.round(5),
            "lon": lon.round(5),
            "website": None,
            "founded": pd.array(founded, dtype="Int64"),
            "members": members,
            "employees": employees,
            "tags": _tags(rng, n_syn),
            "visibility": rng.choice(
                np.array(VISIBILITIES, dtype=object), size=n_syn, p=[0.975, 0.02, 0.005]
            ),
            "synthetic": True,
            "source_ref": SYNTHETIC_REF,
        }
    )
    # Namesakes happen, but a city in brackets keeps two fictional organizations apart.
    namesake = orgs["name"].duplicated(keep="first")
    orgs.loc[namesake, "name"] = (
        orgs.loc[namesake, "name"] + " (" + orgs.loc[namesake, "city"] + ")"
    )
    world = _World(
        rng=rng,
        scale=scale,
        curated_ids={org_id: i for i, org_id in enumerate(curated["id"])},
        counts=counts,
        ent_sector=ent_sector,
        ent_form=ent_form,
        ent_founded=ent_founded,
        com_kind=com_kind,
        com_founded=com_founded,
        region={
            kind: codes.astype(np.int64)
            for kind, codes in zip(
                ("ent", "com", "net", "fun"),
                (ent_region, com_region, net_region, fun_region),
                strict=True,
            )
        },
        city={"ent": ent_city, "com": com_city},
        int_city=int_city,
        int_kind=int_kind,
        founded=np.concatenate(
            [curated["founded"].fillna(FIRST_YEAR).to_numpy(dtype=np.int64), founded]
        ),
    )
    return orgs, world


def _named(rng: np.random.Generator, kinds: Sequence[str], kind: np.ndarray) -> list[str]:
    """``"<kind> <proper name>"`` for each drawn kind."""
    return [
        f"{kinds[k]} {p}" for k, p in zip(kind.tolist(), _proper_names(rng, len(kind)), strict=True)
    ]


def _prepare_ties(world: _World) -> None:
    """Draw who stays isolated, who is a broker, and everyone's propensity to partner."""
    rng = world.rng
    n_base = len(world.base)
    # Some organizations stay outside every network: isolates for the gap report.
    world.isolated = rng.random(n_base) < 0.03
    fitness = rng.pareto(2.2, size=n_base) + 0.05
    fitness[rng.random(n_base) < 0.15] = 0.0
    fitness[world.isolated] = 0.0
    world.broker = (rng.random(n_base) < 0.03) & ~world.isolated
    fitness[world.broker] += 2.0
    world.fitness = fitness


def _to_one(ties: _Ties, sources: np.ndarray, target: int, kind: str) -> None:
    """Ties of weight 1 from each of ``sources`` to one ``target``."""
    ties.add(sources, np.full(len(sources), target), kind, np.ones(len(sources)))


def _membership_ties(world: _World, ties: _Ties) -> None:
    """Memberships in the regional poles, the real sector networks and local networks."""
    rng, base, isolated = world.rng, world.base, world.isolated
    n_ent, n_base = world.counts["ent"], len(base)
    base_is_ent, base_region = world.base_is_ent, world.base_region
    # The city decides which pole, if any: not every city of maillage/demo's regions has one.
    pole_position = np.array([world.pos(c[5]) if c[5] else -1 for c in CITIES], dtype=np.int64)
    join = rng.random(n_base) < np.where(base_is_ent, 0.5, 0.15)
    pole = pole_position[np.concatenate([world.city["ent"], world.city["com"]])]
    chosen = join & (pole >= 0) & ~isolated
    ties.add(base[chosen], pole[chosen], "member_of", np.ones(int(chosen.sum())))

    sector_names = [s[0] for s in SECTORS]
    ent_legal = np.array(LEGAL_FORMS, dtype=object)[world.ent_form]
    no_network = rng.random(n_ent) < 0.15
    for sector_name, form, network, probability in SECTOR_NETWORKS:
        mask = ~isolated[:n_ent] & ~no_network
        if sector_name:
            mask &= world.ent_sector == sector_names.index(sector_name)
        if form:
            mask &= ent_legal == form
        mask &= rng.random(n_ent) < probability
        _to_one(ties, base[:n_ent][mask], world.pos(network), "member_of")

    n_net, net0 = world.counts["net"], world.start("net")
    joins_local = ~isolated & (rng.random(n_base) < np.where(base_is_ent, 0.08, 0.7))
    local, valid = _pick_in_groups(
        rng, base_region[joins_local], world.region["net"], np.ones(n_net)
    )
    ties.add(base[joins_local][valid], net0 + local[valid], "member_of", np.ones(int(valid.sum())))
    for network, probability in (("tncdc", 0.8), ("rq-aca", 0.4)):
        mask = rng.random(n_net) < probability
        _to_one(ties, net0 + np.flatnonzero(mask), world.pos(network), "member_of")
    direct = ~base_is_ent & ~isolated & (rng.random(n_base) < 0.05)
    _to_one(ties, base[direct], world.pos("rq-aca"), "member_of")


def _partnership_ties(world: _World, ties: _Ties) -> None:
    """Partnerships: a fitness (Chung–Lu) model with regional and sector homophily."""
    rng, fitness, base_region = world.rng, world.fitness, world.base_region
    n_base = len(world.base)
    n_partner = round(34_000 * world.scale)
    base_sector = np.concatenate([world.ent_sector, len(SECTORS) + world.com_kind])
    source = rng.choice(n_base, size=n_partner, p=fitness / fitness.sum())
    mode = rng.random(n_partner)
    # Brokers reach across regions and sectors far more often than others.
    p_far = np.where(world.broker[source], 0.5, 0.08)
    same_sector = mode < (1 - p_far) * 0.6
    same_region = ~same_sector & (mode < 1 - p_far)
    target = np.empty(n_partner, dtype=np.int64)
    ok = np.ones(n_partner, dtype=bool)
    key = base_region * 1000 + base_sector
    picked, valid = _pick_in_groups(rng, key[source[same_sector]], key, fitness)
    target[same_sector], ok[same_sector] = picked, valid
    picked, valid = _pick_in_groups(rng, base_region[source[same_region]], base_region, fitness)
    target[same_region], ok[same_region] = picked, valid
    far = ~same_sector & ~same_region
    target[far] = rng.choice(n_base, size=int(far.sum()), p=fitness / fitness.sum())
    ok &= source != target
    low, high = np.minimum(source, target)[ok], np.maximum(source, target)[ok]
    _, first = np.unique(low * n_base + high, return_index=True)
    first.sort()
    base = world.base
    ties.add(base[low[first]], base[high[first]], "partner", rng.integers(1, 4, size=len(first)))


def _funding_ties(world: _World, ties: _Ties) -> None:
    """Funding by real solidarity-finance tools, philanthropy and synthetic regional funds."""
    rng, base_region = world.rng, world.base_region
    n_base = len(world.base)
    funded = ~world.isolated & (rng.random(n_base) < np.where(world.base_is_ent, 0.45, 0.5))
    rounds = np.where(funded, rng.poisson(0.6, n_base) + 1, 0)
    recipient = np.repeat(np.arange(n_base), rounds)
    is_ent = world.base_is_ent[recipient]
    funder = np.empty(len(recipient), dtype=np.int64)
    real_ids = np.array([world.pos(f) for f, _ in REAL_FUNDERS])
    draw = rng.random(len(recipient))
    real_choice = np.searchsorted(np.cumsum([p for _, p in REAL_FUNDERS]), draw, side="right")
    use_real = is_ent & (real_choice < len(real_ids))
    funder[use_real] = real_ids[real_choice[use_real]]
    # Community groups: Centraide where it works, the Chagnon foundation, SACAIS, local funds.
    base_city = np.concatenate([world.city["ent"], world.city["com"]])
    greater_montreal = np.isin(base_region[recipient], [6, 13]) | (
        base_city[recipient] == [c[1] for c in CITIES].index("Longueuil")
    )
    com_draw = rng.random(len(recipient))
    centraide = ~is_ent & greater_montreal & (com_draw < 0.55)
    funder[centraide] = world.pos("centraide-montreal")
    chagnon = ~is_ent & ~centraide & (com_draw > 0.92)
    funder[chagnon] = world.pos("fondation-chagnon")
    sacais = ~is_ent & ~centraide & ~chagnon & (com_draw > 0.85)
    funder[sacais] = world.pos("sacais")
    local_fund = ~use_real & ~centraide & ~chagnon & ~sacais
    n_fun = world.counts["fun"]
    picked, valid = _pick_in_groups(
        rng, base_region[recipient[local_fund]], world.region["fun"], np.ones(n_fun)
    )
    anywhere = rng.integers(n_fun, size=int(local_fund.sum()))
    funder[local_fund] = world.start("fun") + np.where(valid, picked, anywhere)
    ties.add(funder, world.base[recipient], "funds", rng.integers(1, 6, size=len(recipient)))


def _supply_ties(world: _World, ties: _Ties) -> None:
    """Supply ties along plausible chains (farm to grocery, ...), mostly within a region."""
    rng, n_ent, ent_sector = world.rng, world.counts["ent"], world.ent_sector
    ent_region = world.region["ent"]
    sector_names = [s[0] for s in SECTORS]
    n_supply = round(8_000 * world.scale)
    chain_p = np.array([c[2] for c in SUPPLY_CHAINS])
    chain = rng.choice(len(SUPPLY_CHAINS), size=n_supply, p=chain_p / chain_p.sum())
    supplier_sector = np.array([sector_names.index(c[0]) for c in SUPPLY_CHAINS])[chain]
    client_sector = np.array([sector_names.index(c[1]) for c in SUPPLY_CHAINS])[chain]
    ent_fitness = world.fitness[:n_ent] + 0.2 * ~world.isolated[:n_ent]
    supplier, ok = _pick_in_groups(rng, supplier_sector, ent_sector, ent_fitness)
    client, near = _pick_in_groups(
        rng,
        ent_region[supplier] * 1000 + client_sector,
        ent_region * 1000 + ent_sector,
        ent_fitness,
    )
    client_far, far_ok = _pick_in_groups(rng, client_sector, ent_sector, ent_fitness)
    local_client = near & (rng.random(n_supply) < 0.75)
    client = np.where(local_client, client, client_far)
    ok &= (local_client | far_ok) & (supplier != client)
    pairs = np.unique(supplier[ok] * n_ent + client[ok])
    pairs = pairs[rng.permutation(len(pairs))]
    ent0 = world.start("ent")
    weight = rng.integers(1, 5, size=len(pairs))
    ties.add(ent0 + pairs // n_ent, ent0 + pairs % n_ent, "supplies", weight)


def _spin_off_ties(world: _World, ties: _Ties) -> None:
    """Community groups that founded an enterprise of their region (after their own founding)."""
    rng, n_ent, n_com = world.rng, world.counts["ent"], world.counts["com"]
    founder = rng.choice(n_com, size=round(400 * world.scale))
    spin, valid = _pick_in_groups(
        rng, world.region["com"][founder], world.region["ent"], ~world.isolated[:n_ent] * 1.0
    )
    valid &= world.ent_founded[spin] >= world.com_founded[founder]
    pairs = np.unique(founder[valid] * n_ent + spin[valid])
    ties.add(
        world.start("com") + pairs // n_ent,
        world.start("ent") + pairs % n_ent,
        "founded",
        np.ones(len(pairs)),
    )


def _international_ties(world: _World, ties: _Ties) -> None:
    """Foreign partners in continental networks, and their ties to Québec organizations."""
    rng, fitness = world.rng, world.fitness
    n_int, n_net, n_fun = world.counts["int"], world.counts["net"], world.counts["fun"]
    int0, net0, fun0 = world.start("int"), world.start("net"), world.start("fun")
    continental = np.array([world.pos(c[4]) for c in FOREIGN_CITIES])[world.int_city]
    joins = rng.random(n_int) < 0.6
    ties.add(int0 + np.flatnonzero(joins), continental[joins], "member_of", np.ones(joins.sum()))
    coop = (world.int_kind == 1) & (rng.random(n_int) < 0.3)
    _to_one(ties, int0 + np.flatnonzero(coop), world.pos("ica"), "member_of")
    n_abroad = round(650 * world.scale)
    quebec = rng.choice(len(world.base), size=n_abroad, p=fitness / fitness.sum())
    abroad = rng.integers(n_int, size=n_abroad)
    pairs = np.unique(quebec * n_int + abroad)
    ties.add(world.base[pairs // n_int], int0 + pairs % n_int, "partner", np.ones(len(pairs)))
    n_net_abroad = round(40 * world.scale)
    pairs = np.unique(
        rng.integers(n_net, size=n_net_abroad) * n_int + rng.integers(n_int, size=n_net_abroad)
    )
    ties.add(net0 + pairs // n_int, int0 + pairs % n_int, "partner", np.ones(len(pairs)))
    gsef = rng.random(n_fun) < 0.2
    _to_one(ties, fun0 + np.flatnonzero(gsef), world.pos("gsef"), "partner")


def _tie_table(world: _World, ties: _Ties, ids: np.ndarray) -> pd.DataFrame:
    """Dated, deduplicated generated ties with workbook column names."""
    rng = world.rng
    src = np.concatenate(ties.source)
    dst = np.concatenate(ties.target)
    kind = np.concatenate(ties.kind)
    weight = np.concatenate(ties.weight)
    n_all = world.n_all
    if len(world.founded) != n_all or len(ids) != n_all:
        raise RuntimeError("organization positions are out of step")
    since, until, _ = _dates(rng, np.maximum(world.founded[src], world.founded[dst]), 0.08)
    # A tie is identified by (source, target, type, since): keep the first of each identity.
    identity = ((src * n_all + dst) * len(TIE_TYPES) + kind) * 30_000 + since
    _, first = np.unique(identity, return_index=True)
    first.sort()
    src, dst, kind, weight, since, until = (
        column[first] for column in (src, dst, kind, weight, since, until)
    )
    n = len(src)
    return pd.DataFrame(
        {
            "source": _take(ids, src),
            "target": _take(ids, dst),
            "type": _take(TIE_TYPES, kind),
            "weight": weight,
            "since": _date_strings(since),
            "until": _date_strings(until),
            "visibility": _take(VISIBILITIES, rng.choice(3, size=n, p=[0.93, 0.05, 0.02])),
            "source_ref": _take([SYNTHETIC_REF], np.zeros(n, dtype=np.int64)),
            "note": _take([None], np.zeros(n, dtype=np.int64)),
        }
    )


def generate(*, seed: int = 2026, scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A complete workbook: the real umbrellas of ``maillage/demo`` plus fictional organizations.

    Returns ``(organizations, ties)`` with workbook column names. The same seed and scale give
    identical frames. Generated organizations have ``synthetic`` = True and fictional names;
    generated ties have ``source_ref`` = ``"synthetic"``.

    >>> orgs, ties = generate(scale=0.01)
    >>> bool(orgs.loc[orgs["id"].str.startswith("syn-"), "synthetic"].all())
    True
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    curated_orgs, curated_ties = read_curated()
    generated_orgs, world = _organizations(rng, read_regions(), curated_orgs, scale)
    orgs = pd.concat([curated_orgs, generated_orgs], ignore_index=True)
    for column in ("website", "legal_form", "region", "tags"):
        orgs[column] = orgs[column].astype("str")

    _prepare_ties(world)
    ties = _Ties([], [], [], [])
    for add_ties in (
        _membership_ties,
        _partnership_ties,
        _funding_ties,
        _supply_ties,
        _spin_off_ties,
        _international_ties,
    ):
        add_ties(world, ties)
    generated_ties = _tie_table(world, ties, orgs["id"].to_numpy(dtype=object))
    return orgs, pd.concat([curated_ties, generated_ties], ignore_index=True)


def write_workbook(orgs: pd.DataFrame, ties: pd.DataFrame, folder: str | Path) -> Path:
    """Write ``organizations.csv`` and ``ties.csv`` (UTF-8, comma) into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if orgs["synthetic"].dtype == bool:
        orgs = orgs.assign(synthetic=orgs["synthetic"].map({True: "true", False: "false"}))
    orgs.to_csv(folder / "organizations.csv", index=False, encoding="utf-8")
    ties.to_csv(folder / "ties.csv", index=False, encoding="utf-8")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m maillage.demo.synthetic --out data/generated --seed 2026``."""
    parser = argparse.ArgumentParser(
        prog="python -m maillage.demo.synthetic",
        description="Write a fictional Québec social-economy workbook around the real umbrellas.",
        epilog="example: python -m maillage.demo.synthetic --out data/generated --scale 1.0",
    )
    parser.add_argument("--out", type=Path, default=Path("data/generated"), help="output folder")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = Québec (~15,000 orgs)")
    args = parser.parse_args(argv)
    orgs, ties = generate(seed=args.seed, scale=args.scale)
    folder = write_workbook(orgs, ties, args.out)
    print(f"{len(orgs)} organizations and {len(ties)} ties written to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
