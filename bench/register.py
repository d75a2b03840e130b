"""Generate a register-shaped file set of about 1 GB and stream a filtered import of it.

Usage: ``python -m bench.register [--size-mb 1024] [--out DIR] [--keep]``

The files follow the column layout of the Registraire des entreprises open data
(Entreprise.csv, Nom.csv, Etablissements.csv, FusionScissions.csv, DomaineValeur.csv) with
invented rows, about 3 % of them in social-economy legal forms. The import (read, validate,
load into a throwaway SQLite file) runs in a child process so its peak resident memory is
measured alone; it must stay under 1 GB however big the files are.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENTREPRISE = [
    "NEQ", "IND_FAIL", "DAT_IMMAT", "COD_REGIM_JURI", "COD_INTVAL_EMPLO_QUE", "DAT_CESS_PREVU",
    "COD_STAT_IMMAT", "COD_FORME_JURI", "DAT_STAT_IMMAT", "COD_REGIM_JURI_CONSTI",
    "DAT_DEPO_DECLR", "AN_DECL", "AN_PROD", "DAT_LIMIT_PROD", "AN_PROD_PRE",
    "DAT_LIMIT_PROD_PRE", "DAT_MAJ_INDEX_NOM", "COD_ACT_ECON_CAE", "NO_ACT_ECON_ASSUJ",
    "DESC_ACT_ECON_ASSUJ", "COD_ACT_ECON_CAE2", "NO_ACT_ECON_ASSUJ2", "DESC_ACT_ECON_ASSUJ2",
    "NOM_LOCLT_CONSTI", "DAT_CONSTI", "IND_CONVEN_UNMN_ACTNR", "IND_RET_TOUT_POUVR",
    "IND_LIMIT_RESP", "DAT_DEB_RESP", "DAT_FIN_RESP", "OBJET_SOC", "NO_MTR_VOLONT",
    "ADR_DOMCL_ADR_DISP", "ADR_DOMCL_LIGN1_ADR", "ADR_DOMCL_LIGN2_ADR", "ADR_DOMCL_LIGN3_ADR",
    "ADR_DOMCL_LIGN4_ADR",
]  # fmt: skip
NOM = ["NEQ", "NOM_ASSUJ", "NOM_ASSUJ_LANG_ETRNG", "STAT_NOM", "TYP_NOM_ASSUJ",
       "DAT_INIT_NOM_ASSUJ", "DAT_FIN_NOM_ASSUJ"]  # fmt: skip
ETABLISSEMENTS = [
    "NEQ", "NO_SUF_ETAB", "IND_ETAB_PRINC", "IND_SALON_BRONZ", "IND_VENTE_TABAC_DETL",
    "IND_DISP", "LIGN1_ADR", "LIGN2_ADR", "LIGN3_ADR", "LIGN4_ADR", "COD_ACT_ECON",
    "DESC_ACT_ECON_ETAB", "NO_ACT_ECON_ETAB", "COD_ACT_ECON2", "DESC_ACT_ECON_ETAB2",
    "NO_ACT_ECON_ETAB2", "NOM_ETAB",
]  # fmt: skip
FUSIONS = ["NEQ", "NEQ_ASSUJ_REL", "DENOMN_SOC", "COD_RELA_ASSUJ", "DAT_EFCTVT", "IND_DISP",
           "LIGN1_ADR", "LIGN2_ADR", "LIGN3_ADR", "LIGN4_ADR"]  # fmt: skip
PLACES = [
    ("MONTRÉAL (QUÉBEC)", "H2K"), ("LAVAL (QUÉBEC)", "H7G"), ("QUÉBEC (QUÉBEC)", "G1K"),
    ("GATINEAU (QUÉBEC)", "J8X"), ("SHERBROOKE (QUÉBEC)", "J1H"), ("RIMOUSKI (QUÉBEC)", "G5L"),
    ("SAGUENAY (QUÉBEC)", "G7H"), ("TROIS-RIVIÈRES (QUÉBEC)", "G9A"), ("LÉVIS (QUÉBEC)", "G6V"),
]  # fmt: skip
FORMS = ["SPA"] * 80 + ["IND"] * 12 + ["SNC"] * 5 + ["APE", "APE", "COP"]
OBJECT = "Offrir des services à la communauté et soutenir le développement local " * 2


def generate(folder: Path, size_bytes: int, *, seed: int = 2026) -> dict[str, int]:
    """Write the file set (Entreprise.csv about 3/4 of the bytes) and return rows per file."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(("Entreprise", "Nom", "Etablissements", "FusionScissions"), 0)
    handles = {
        name: (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="")
        for name in counts
    }
    writers = {name: csv.writer(handle) for name, handle in handles.items()}
    writers["Entreprise"].writerow(ENTREPRISE)
    writers["Nom"].writerow(NOM)
    writers["Etablissements"].writerow(ETABLISSEMENTS)
    writers["FusionScissions"].writerow(FUSIONS)
    neq = 1_140_000_000
    try:
        while sum(handle.tell() for handle in handles.values()) < size_bytes:
            for _ in range(1_000):
                neq += 1
                city, fsa = rng.choice(PLACES)
                postal = f"{fsa}{rng.randint(1, 9)}A{rng.randint(1, 9)}"
                form = rng.choice(FORMS)
                status = "IM" if rng.random() < 0.85 else rng.choice(("RO", "RX"))
                year = rng.randint(1950, 2025)
                row = [""] * len(ENTREPRISE)
                row[0], row[1], row[2], row[3] = str(neq), "N", f"{year}-03-01", "QC"
                row[4], row[6], row[7], row[8] = "2", status, form, f"{year}-03-01"
                row[17], row[19] = "8699", "Services divers à la collectivité"
                row[23], row[24], row[30] = "Québec", f"{year}-02-15", OBJECT
                row[32:37] = ["O", f"{rng.randint(1, 9999)} RUE PRINCIPALE", city, "", postal]
                writers["Entreprise"].writerow(row)
                writers["Nom"].writerow(
                    [neq, f"Organisme {neq} de {city.split(' (')[0].title()}", "", "V", "N",
                     f"{year}-03-01", ""]
                )  # fmt: skip
                counts["Entreprise"] += 1
                counts["Nom"] += 1
                if rng.random() < 0.5:
                    writers["Etablissements"].writerow(
                        [neq, 1, "O", "N", "N", "O", f"{rng.randint(1, 999)} BOUL. CENTRAL",
                         city, "", postal, "8699", "Services", 1, "", "", "", ""]
                    )  # fmt: skip
                    counts["Etablissements"] += 1
                if rng.random() < 0.01:
                    writers["FusionScissions"].writerow(
                        [neq, neq - rng.randint(1, 5_000), f"Ancien organisme {neq}", "FUS",
                         f"{year}-06-30", "O", "1 RUE DU MOULIN", city, "", postal]
                    )  # fmt: skip
                    counts["FusionScissions"] += 1
    finally:
        for handle in handles.values():
            handle.close()
    with (folder / "DomaineValeur.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["TYP_DOM_VAL", "COD_DOM_VAL", "VAL_DOM_FRAN"])
        writer.writerows(
            [["COD_STAT_IMMAT", "IM", "Immatriculée"], ["COD_STAT_IMMAT", "RO", "Radiée d'office"],
             ["COD_STAT_IMMAT", "RX", "Radiée"], ["COD_FORME_JURI", "APE", "Personne morale sans "
             "but lucratif"], ["COD_FORME_JURI", "COP", "Coopérative"],
             ["COD_RELA_ASSUJ", "FUS", "Fusion"]]
        )  # fmt: skip
    counts["DomaineValeur"] = 6
    return counts


def child(folder: Path) -> None:
    """The measured import: read and validate (streaming), then load a throwaway SQLite file.

    The same steps as :func:`loaders.register.load_register`, timed apart.
    """
    from maillage.loaders.register import check_register
    from maillage.queries.sqlite_store import SQLiteStore
    from maillage.services.loading import commit

    started = time.perf_counter()
    checked, read = check_register(folder)
    checked_at = time.perf_counter()
    problems = len(checked.problems)
    with tempfile.TemporaryDirectory() as scratch, SQLiteStore(Path(scratch) / "r.db") as store:
        result = commit(checked, store, source="register", skip_invalid=True).result
    done = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{sum(read.rows_read.values())} {read.kept} {result.organizations} {result.ties} "
        f"{problems} {checked_at - started:.2f} {done - started:.2f} {peak_kb}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the file set")
    parser.add_argument("--out", type=Path, help="folder for the files (default: a temp one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    scratch = None
    if args.out is None:
        scratch = tempfile.TemporaryDirectory(prefix="maillage-register-")
        folder = Path(scratch.name)
    else:
        folder = args.out
    try:
        started = time.perf_counter()
        counts = generate(folder, args.size_mb * 1024 * 1024)
        generated = time.perf_counter() - started
        sizes = {p.name: p.stat().st_size for p in sorted(folder.glob("*.csv"))}
        total = sum(sizes.values())
        answer = subprocess.run(
            [sys.executable, "-m", "bench.register", "--child", str(folder)],
            capture_output=True, text=True, check=True, env=dict(os.environ),
        )  # fmt: skip
        rows, kept, orgs, ties, problems, read_s, load_s, peak_kb = answer.stdout.split()
        peak_mb = int(peak_kb) / 1024
        print(f"{'file':<22}{'rows':>12}{'MB':>10}")
        for name, size in sizes.items():
            print(f"{name:<22}{counts.get(name.removesuffix('.csv'), 0):>12,}{size / 2**20:>10.1f}")
        print(f"{'total':<22}{sum(counts.values()):>12,}{total / 2**20:>10.1f}")
        print()
        print(f"generated in {generated:.1f} s")
        print(f"{'rows streamed':<34}{int(rows):>14,}")
        print(f"{'organizations kept (APE/COP/ASS)':<34}{int(kept):>14,}")
        print(f"{'loaded organizations / ties':<34}{int(orgs):>8,} / {int(ties):,}")
        print(f"{'problems (skipped rows)':<34}{int(problems):>14,}")
        print(f"{'read + validate':<34}{float(read_s):>12.1f} s "
              f"({total / 2**20 / float(read_s):.0f} MB/s)")  # fmt: skip
        print(f"{'read + validate + load (SQLite)':<34}{float(load_s):>12.1f} s")  # one pass
        print(f"{'peak RSS of the import':<34}{peak_mb:>11.0f} MB  (limit 1024 MB)")
        return 0 if peak_mb < 1024 else 1
    finally:
        if scratch is not None and not args.keep:
            scratch.cleanup()


if __name__ == "__main__":
    sys.exit(main())
