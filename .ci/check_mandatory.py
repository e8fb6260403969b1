"""Fail when mandatory tests were skipped or did not run: `check_mandatory.py REPORT.xml KIND...`.

KIND is a test folder or file-name marker: "browser" means tests/browser/, "postgres" means
tests whose module name contains "concurrency".
"""

import sys
import xml.etree.ElementTree as ET

PATTERNS = {"browser": "tests.browser.", "postgres": "concurrency"}


def main() -> int:
    report, kinds = sys.argv[1], sys.argv[2:]
    # Our own pytest report, written moments before by this CI run: not untrusted XML.
    cases = ET.parse(report).getroot().iter("testcase")  # noqa: S314  # nosec B314
    ran = {kind: 0 for kind in kinds}
    failed = False
    for case in cases:
        name = f"{case.get('classname')}.{case.get('name')}"
        for kind in kinds:
            if PATTERNS[kind] in name:
                if case.find("skipped") is not None:
                    print(f"MANDATORY TEST SKIPPED ({kind}): {name}")
                    failed = True
                else:
                    ran[kind] += 1
    for kind, count in ran.items():
        print(f"{kind}: {count} mandatory tests ran")
        if count == 0:
            print(f"No {kind} tests ran: they are mandatory in CI.")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
