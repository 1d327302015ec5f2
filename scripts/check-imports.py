#!/usr/bin/env python3
"""Checks that every target's dependencies in Package.swift match what its Swift files import: no module imported
without being declared (it would only build by accident, through another target), none declared and never imported.

Reads the package from `swift package describe --type json` (run from the package root); product names are taken as
the module names they export, which holds for every dependency this package uses. Exits 1 and lists the mismatches."""
import json
import pathlib
import re
import subprocess
import sys

SYSTEM = {"Foundation", "FoundationNetworking", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization",
          "Testing", "XCTest", "PackageDescription", "PackagePlugin"}
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:public\s+|package\s+|internal\s+|fileprivate\s+|private\s+)?import\s+"
                    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)")

package = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], check=True, capture_output=True,
                                    text=True).stdout)
problems = []
for target in package["targets"]:
    if target["type"] == "plugin":
        continue
    declared = set(target.get("target_dependencies", [])) | set(target.get("product_dependencies", []))
    declared -= {t["name"] for t in package["targets"] if t["type"] == "plugin"}
    imported = set()
    for source in pathlib.Path(target["path"]).rglob("*.swift"):
        for line in source.read_text().splitlines():
            match = IMPORT.match(line)
            if match:
                imported.add(match.group(1))
    imported -= SYSTEM
    imported.discard(target["name"])
    for name in sorted(imported - declared):
        problems.append(f"{target['name']}: imports {name} without declaring it")
    for name in sorted(declared - imported):
        problems.append(f"{target['name']}: declares {name} but never imports it")

print("\n".join(problems) if problems else "Package.swift dependencies match the imports")
sys.exit(1 if problems else 0)
