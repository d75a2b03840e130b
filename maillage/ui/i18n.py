"""French and English words of the explorer, and numbers and dates written the local way."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"

#: French uses a narrow no-break space between thousands (Office québécois de la langue
#: française) and a decimal comma.
NARROW_NBSP: Final = "\u202f"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "app.title": "Maillage",
        "app.tagline": "Le graphe des alliances de l'économie sociale et solidaire",
        "page.overview": "Vue d'ensemble",
        "page.map": "Carte des alliances",
        "page.opportunities": "Occasions",
        "page.gaps": "Lacunes",
        "page.international": "International",
        "page.explore": "Explorer",
        "page.data": "Données",
        "sidebar.language": "Langue",
        "sidebar.audience": "Public",
        "sidebar.password": "Mot de passe",
        "sidebar.unlock": "Déverrouiller",
        "sidebar.wrong_password": "Mot de passe refusé.",
        "sidebar.no_auth": "Les publics restreints ne sont pas configurés sur ce serveur.",
        "sidebar.as_of": "À la date du",
        "sidebar.all_dates": "Toutes les dates",
        "sidebar.store": "Base : {backend} · version {version}",
        "audience.in_force": "Public en vigueur : {audience}",
        "audience.public": "public",
        "audience.members": "membres",
        "audience.private": "privé",
        "common.organizations": "Organisations",
        "common.ties": "Liens",
        "common.density": "Densité",
        "common.components": "Composantes",
        "common.isolated": "Organisations sans lien",
        "common.type": "Type",
        "common.region": "Région",
        "common.sector": "Secteur",
        "common.country": "Pays",
        "common.continent": "Continent",
        "common.city": "Ville",
        "common.count": "Nombre",
        "common.name": "Nom",
        "common.year": "Année",
        "common.date": "Date",
        "common.computing": "Calcul des mesures du réseau (une fois par version des données)…",
        "common.table": "Voir le tableau",
        "common.chart": "Graphique",
        "common.none": "Rien à afficher.",
        "common.empty_store": (
            "La base est vide. Chargez un classeur dans la page Données "
            "ou lancez « maillage demo »."
        ),
        "common.outside_quebec": "Hors Québec",
        "common.unknown": "Inconnu",
        "common.metric": "Mesure",
        "common.score": "Score",
        "common.reasons": "Raisons",
        "common.via": "Par",
        "common.pending": "Ce calcul n'est pas encore disponible ({name}).",
        "common.download_csv": "Télécharger (CSV)",
        "filters.types": "Types d'organisation",
        "filters.regions": "Régions",
        "filters.sectors": "Secteurs",
        "filters.tie_types": "Types de lien",
        "filters.metric": "Taille selon",
        "filters.focus": "Centrer sur",
        "filters.hops": "Rayon (liens)",
        "filters.path_to": "Chemin d'introduction vers",
        "filters.show_more": "Tout afficher (plus lent)",
        "filters.none": "(aucune)",
        "filters.top": "Nombre à afficher",
        "overview.by_type": "Organisations par type",
        "overview.by_region": "Organisations par région",
        "overview.ties_by_type": "Liens par type",
        "overview.heatmap": "Liens entre régions et types",
        "overview.per_year": "Liens formés par année",
        "overview.distribution": "Distribution de la mesure",
        "overview.brokers": "Principaux intermédiaires",
        "overview.changes": "Ce qui a changé depuis un an",
        "overview.gained": "Liens gagnés",
        "overview.lost": "Liens perdus",
        "overview.movers": "Qui a le plus changé de position (intermédiarité)",
        "overview.movers_help": "Calcule aussi le réseau d'il y a un an : quelques secondes.",
        "overview.a_year_ago": "Il y a un an",
        "overview.now": "Maintenant",
        "overview.change": "Écart",
        "map.legend": "Légende",
        "map.capped": (
            "{shown} organisations affichées sur {total} (les plus importantes selon "
            "« {metric} »). Cochez « Tout afficher » pour voir le reste."
        ),
        "map.no_path": "Aucun chemin entre ces deux organisations.",
        "map.path": "Chemin : {path}",
        "map.download": "Télécharger la carte (HTML hors ligne)",
        "opps.title": "Alliances à proposer",
        "opps.for": "Pour l'organisation",
        "opps.between": "Entre les types",
        "gaps.title": "Lacunes du réseau",
        "gaps.isolated": "Organisations sans lien",
        "gaps.no_network": "Entreprises membres d'aucun réseau",
        "gaps.region_type": "Régions × types sans lien",
        "gaps.holes": "Trous structuraux entre communautés",
        "gaps.articulation": "Points de défaillance uniques",
        "gaps.bridges": "Liens-ponts",
        "gaps.international": "Couverture internationale par continent",
        "intl.title": "Partenaires internationaux",
        "intl.map": "Carte du monde",
        "intl.countries": "Pays",
        "intl.continents": "Continents",
        "intl.by_continent": "Par continent",
        "intl.by_country": "Par pays",
        "intl.partners": "Partenaires et qui les porte au Québec",
        "intl.holders": "Organisations québécoises liées",
        "intl.unlocated": "{count} partenaires sans position connue.",
        "intl.basemap": "Contours des pays : Natural Earth (domaine public).",
        "explore.search": "Rechercher une organisation",
        "explore.results": "{count} résultats",
        "explore.card": "Fiche",
        "explore.field": "Champ",
        "explore.value": "Valeur",
        "explore.ego": "Voisinage",
        "explore.path": "Chemin d'introduction",
        "explore.second": "Vers une deuxième organisation",
        "explore.no_match": "Aucune organisation ne correspond.",
        "explore.neighbours": "Voisins",
        "field.id": "Identifiant",
        "field.name": "Nom",
        "field.type": "Type",
        "field.legal_form": "Forme juridique",
        "field.sector": "Secteur",
        "field.region": "Région",
        "field.city": "Ville",
        "field.country": "Pays",
        "field.website": "Site web",
        "field.founded": "Fondée en",
        "field.members": "Membres",
        "field.employees": "Employés",
        "field.tags": "Étiquettes",
        "field.degree": "Degré",
        "field.betweenness": "Intermédiarité",
        "field.closeness": "Proximité",
        "field.eigenvector": "Vecteur propre",
        "field.pagerank": "PageRank",
        "field.degree_centrality": "Centralité de degré",
        "field.constraint": "Contrainte",
        "field.effective_size": "Taille effective",
        "field.broker_role": "Rôle d'intermédiaire",
        "field.community": "Communauté",
        "data.upload": "Téléverser un classeur (CSV ou XLSX)",
        "data.upload_help": (
            "Deux tables : organizations.csv et ties.csv, ou un fichier XLSX "
            "avec les feuilles organizations et ties."
        ),
        "data.check": "Rapport de validation",
        "data.valid": "{orgs} organisations et {ties} liens valides, aucun problème.",
        "data.problems": "{count} problèmes : rien ne sera chargé.",
        "data.commit": "Charger dans la base",
        "data.loaded": "Chargé : {orgs} organisations et {ties} liens (version {version}).",
        "data.mode": "Type de fichier",
        "data.mode_workbook": "Classeur Maillage (organisations et liens)",
        "data.mode_foreign": "Table étrangère (liste de membres, extrait de registre)",
        "data.foreign_help": (
            "Une liste quelconque : indiquez ci-dessous quelle colonne contient le nom, "
            "l'identifiant, le type, la région, la ville."
        ),
        "data.map_name": "Colonne du nom",
        "data.map_id": "Colonne de l'identifiant (NEQ)",
        "data.map_type": "Colonne du type",
        "data.map_region": "Colonne de la région",
        "data.map_city": "Colonne de la ville",
        "data.map_constant_type": "Type quand la colonne manque",
        "data.map_member_of_search": "Chaque ligne devient membre de… (rechercher)",
        "data.map_member_of": "Réseau dont chaque ligne est membre",
        "data.dup_left": "Organisation",
        "data.dup_right": "Doublon possible",
        "data.dup_evidence": "Indices",
        "data.no_duplicates": "Aucun doublon probable avec la base.",
        "data.duplicates_help": (
            "Paires probablement identiques : vérifiez avant de charger (même identifiant = "
            "mise à jour, pas un doublon)."
        ),
        "data.mapping": "Correspondance des colonnes (tables étrangères)",
        "data.duplicates": "Doublons possibles",
        "data.exports": "Exporter ce que voit le public en vigueur",
        "data.export_csv": "Classeur CSV (ZIP)",
        "data.export_xlsx": "Classeur XLSX",
        "data.export_graphml": "GraphML",
        "data.export_gexf": "GEXF (Gephi)",
        "data.export_json": "JSON nœuds-liens",
        "data.export_html": "Carte HTML hors ligne",
        "data.locked": "Le chargement demande le public « privé ».",
        "type.enterprise": "entreprise",
        "type.network": "réseau",
        "type.community_group": "groupe communautaire",
        "type.international_partner": "partenaire international",
        "type.funder": "financeur",
        "type.public_body": "organisme public",
        "type.research": "recherche",
        "tie.member_of": "membre de",
        "tie.partner": "partenaire",
        "tie.funds": "finance",
        "tie.supplies": "fournit",
        "tie.founded": "a fondé",
        "tie.represents": "représente",
        "continent.AF": "Afrique",
        "continent.AN": "Antarctique",
        "continent.AS": "Asie",
        "continent.EU": "Europe",
        "continent.NA": "Amérique du Nord",
        "continent.OC": "Océanie",
        "continent.SA": "Amérique du Sud",
    },
    "en": {
        "app.title": "Maillage",
        "app.tagline": "The alliance graph of the social and solidarity economy",
        "page.overview": "Overview",
        "page.map": "Alliance map",
        "page.opportunities": "Opportunities",
        "page.gaps": "Gaps",
        "page.international": "International",
        "page.explore": "Explore",
        "page.data": "Data",
        "sidebar.language": "Language",
        "sidebar.audience": "Audience",
        "sidebar.password": "Password",
        "sidebar.unlock": "Unlock",
        "sidebar.wrong_password": "Password refused.",
        "sidebar.no_auth": "Restricted audiences are not set up on this server.",
        "sidebar.as_of": "As of",
        "sidebar.all_dates": "All dates",
        "sidebar.store": "Store: {backend} · version {version}",
        "audience.in_force": "Audience in force: {audience}",
        "audience.public": "public",
        "audience.members": "members",
        "audience.private": "private",
        "common.organizations": "Organizations",
        "common.ties": "Ties",
        "common.density": "Density",
        "common.components": "Components",
        "common.isolated": "Organizations with no tie",
        "common.type": "Type",
        "common.region": "Region",
        "common.sector": "Sector",
        "common.country": "Country",
        "common.continent": "Continent",
        "common.city": "City",
        "common.count": "Count",
        "common.name": "Name",
        "common.year": "Year",
        "common.date": "Date",
        "common.computing": "Computing network metrics (once per data version)…",
        "common.table": "Show the table",
        "common.chart": "Chart",
        "common.none": "Nothing to show.",
        "common.empty_store": (
            "The store is empty. Load a workbook on the Data page or run 'maillage demo'."
        ),
        "common.outside_quebec": "Outside Québec",
        "common.unknown": "Unknown",
        "common.metric": "Metric",
        "common.score": "Score",
        "common.reasons": "Reasons",
        "common.via": "Via",
        "common.pending": "This analysis is not available yet ({name}).",
        "common.download_csv": "Download (CSV)",
        "filters.types": "Organization types",
        "filters.regions": "Regions",
        "filters.sectors": "Sectors",
        "filters.tie_types": "Tie types",
        "filters.metric": "Size by",
        "filters.focus": "Focus on",
        "filters.hops": "Radius (ties)",
        "filters.path_to": "Introduction path to",
        "filters.show_more": "Show everything (slower)",
        "filters.none": "(none)",
        "filters.top": "How many to show",
        "overview.by_type": "Organizations by type",
        "overview.by_region": "Organizations by region",
        "overview.ties_by_type": "Ties by type",
        "overview.heatmap": "Ties between regions and types",
        "overview.per_year": "Ties formed per year",
        "overview.distribution": "Metric distribution",
        "overview.brokers": "Top brokers",
        "overview.changes": "What changed over the last year",
        "overview.gained": "Ties gained",
        "overview.lost": "Ties lost",
        "overview.movers": "Who moved most (betweenness)",
        "overview.movers_help": "Also computes the network as it was a year ago: a few seconds.",
        "overview.a_year_ago": "A year ago",
        "overview.now": "Now",
        "overview.change": "Change",
        "map.legend": "Legend",
        "map.capped": (
            "Showing {shown} of {total} organizations (the most important by "
            "'{metric}'). Tick 'Show everything' to see the rest."
        ),
        "map.no_path": "No path between these two organizations.",
        "map.path": "Path: {path}",
        "map.download": "Download the map (offline HTML)",
        "opps.title": "Alliances to suggest",
        "opps.for": "For organization",
        "opps.between": "Between types",
        "gaps.title": "Gaps in the network",
        "gaps.isolated": "Organizations with no tie",
        "gaps.no_network": "Enterprises in no network",
        "gaps.region_type": "Regions × types with no tie",
        "gaps.holes": "Structural holes between communities",
        "gaps.articulation": "Single points of failure",
        "gaps.bridges": "Bridge ties",
        "gaps.international": "International coverage by continent",
        "intl.title": "International partners",
        "intl.map": "World map",
        "intl.countries": "Countries",
        "intl.continents": "Continents",
        "intl.by_continent": "By continent",
        "intl.by_country": "By country",
        "intl.partners": "Partners and who holds them in Québec",
        "intl.holders": "Québec organizations tied",
        "intl.unlocated": "{count} partners without a known position.",
        "intl.basemap": "Country outlines: Natural Earth (public domain).",
        "explore.search": "Search an organization",
        "explore.results": "{count} results",
        "explore.card": "Card",
        "explore.field": "Field",
        "explore.value": "Value",
        "explore.ego": "Neighbourhood",
        "explore.path": "Introduction path",
        "explore.second": "To a second organization",
        "explore.no_match": "No organization matches.",
        "explore.neighbours": "Neighbours",
        "field.id": "Id",
        "field.name": "Name",
        "field.type": "Type",
        "field.legal_form": "Legal form",
        "field.sector": "Sector",
        "field.region": "Region",
        "field.city": "City",
        "field.country": "Country",
        "field.website": "Website",
        "field.founded": "Founded",
        "field.members": "Members",
        "field.employees": "Employees",
        "field.tags": "Tags",
        "field.degree": "Degree",
        "field.betweenness": "Betweenness",
        "field.closeness": "Closeness",
        "field.eigenvector": "Eigenvector",
        "field.pagerank": "PageRank",
        "field.degree_centrality": "Degree centrality",
        "field.constraint": "Constraint",
        "field.effective_size": "Effective size",
        "field.broker_role": "Broker role",
        "field.community": "Community",
        "data.upload": "Upload a workbook (CSV or XLSX)",
        "data.upload_help": (
            "Two tables: organizations.csv and ties.csv, or one XLSX file with "
            "organizations and ties sheets."
        ),
        "data.check": "Validation report",
        "data.valid": "{orgs} organizations and {ties} ties valid, no problem.",
        "data.problems": "{count} problems: nothing will be loaded.",
        "data.commit": "Load into the store",
        "data.loaded": "Loaded {orgs} organizations and {ties} ties (version {version}).",
        "data.mode": "Kind of file",
        "data.mode_workbook": "Maillage workbook (organizations and ties)",
        "data.mode_foreign": "Foreign table (member list, registry extract)",
        "data.foreign_help": (
            "Any list: say below which column holds the name, id, type, region and city."
        ),
        "data.map_name": "Name column",
        "data.map_id": "Id column (NEQ)",
        "data.map_type": "Type column",
        "data.map_region": "Region column",
        "data.map_city": "City column",
        "data.map_constant_type": "Type when the column is missing",
        "data.map_member_of_search": "Every row becomes a member of… (search)",
        "data.map_member_of": "Network every row is a member of",
        "data.dup_left": "Organization",
        "data.dup_right": "Possible duplicate",
        "data.dup_evidence": "Evidence",
        "data.no_duplicates": "No likely duplicate in the store.",
        "data.duplicates_help": (
            "Pairs that are probably the same organization: check before loading (the same id "
            "is an update, not a duplicate)."
        ),
        "data.mapping": "Column mapping (foreign tables)",
        "data.duplicates": "Possible duplicates",
        "data.exports": "Export what the audience in force sees",
        "data.export_csv": "CSV workbook (ZIP)",
        "data.export_xlsx": "XLSX workbook",
        "data.export_graphml": "GraphML",
        "data.export_gexf": "GEXF (Gephi)",
        "data.export_json": "Node-link JSON",
        "data.export_html": "Offline HTML map",
        "data.locked": "Loading needs the 'private' audience.",
        "type.enterprise": "enterprise",
        "type.network": "network",
        "type.community_group": "community group",
        "type.international_partner": "international partner",
        "type.funder": "funder",
        "type.public_body": "public body",
        "type.research": "research",
        "tie.member_of": "member of",
        "tie.partner": "partner",
        "tie.funds": "funds",
        "tie.supplies": "supplies",
        "tie.founded": "founded",
        "tie.represents": "represents",
        "continent.AF": "Africa",
        "continent.AN": "Antarctica",
        "continent.AS": "Asia",
        "continent.EU": "Europe",
        "continent.NA": "North America",
        "continent.OC": "Oceania",
        "continent.SA": "South America",
    },
}


def translate(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language``, with ``values`` filled in.

    >>> translate("en", "explore.results", count=3)
    '3 results'
    >>> translate("fr", "type.network")
    'réseau'
    """
    catalog = MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])
    text = catalog.get(key) or MESSAGES["en"].get(key) or key
    return text.format(**values) if values else text


def format_number(value: float | int | None, language: str, *, digits: int = 0) -> str:
    """A number written the local way: ``11 200`` and ``0,25`` in French.

    >>> format_number(11200, "fr") == "11\u202f200"
    True
    >>> format_number(11200, "en"), format_number(0.2534, "fr", digits=2)
    ('11,200', '0,25')
    >>> format_number(None, "en")
    '—'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if language == "fr":
        text = text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(day: dt.date | None, language: str) -> str:
    """A date written the local way.

    >>> format_date(dt.date(2026, 3, 1), "fr"), format_date(dt.date(2026, 3, 1), "en")
    ('1er mars 2026', 'March 1, 2026')
    """
    if day is None:
        return "—"
    if language == "fr":
        number = "1er" if day.day == 1 else str(day.day)
        return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"
