"""Prints bench/results/heldout.json as docs/heldout.md's Markdown table.

    /usr/bin/python3 bench/heldout/table.py [bench/results/heldout.json]
"""

import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def q(x):
    return f"{x['auroc']:.3f} / {x['ap']:.3f} / {x['topK']:.2f}" if x else 'not run'


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'bench', 'results', 'heldout.json')
    res = json.load(open(path))
    print('| set | poisoned | Sift calibrated (estimate) | Sift uncalibrated | best single Sift score | best peer |')
    print('|---|---|---|---|---|---|')
    for r in res['sets']:
        cal, unc = r.get('calibrated'), r.get('uncalibrated')
        est = f" ({cal['estimate']['rows']})" if cal and cal.get('estimate') else ''
        best = r.get('bestSingleScore')
        peer = r.get('bestPeer')
        print(f"| {r['set']} | {r['poisoned']} of {r['rows']} | {q(cal and cal['suspicion'])}{est} | "
              f"{q(unc and unc['suspicion'])} | {q(best)} {best['name'] + ' (' + best['run'][:5] + '.)' if best else ''} | "
              f"{q(peer)} {peer['name'] if peer else ''} |")
    m = res['summary']['meanAp']
    print()
    print('Mean AP: ' + ', '.join(f"{k} {v['mean']} ({v['sets']} sets)" for k, v in m.items()))
    print('Calibrated AUROC at or above the best peer: ' + ', '.join(res['summary']['calibratedAurocAtOrAboveBestPeer']))
    print('Below: ' + ', '.join(res['summary']['calibratedAurocBelowBestPeer']))


if __name__ == '__main__':
    main()
