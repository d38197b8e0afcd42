#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The layouts of issue 22 that failed with the keyboard up: the layout
# matrix (tests/bench/kiosk_layout_matrix.sh) at 200% text in landscape
# (uk 1920x1080, uk 1280x800) and on the 7-inch panel (uk and en 200%,
# Italian 100% at 800x480, uk 200% at 480x800). The codice fiscale's
# error did not fit above the keyboard there, Back and Continue vanished
# with the footer, keys were 28 px tall at 800x480 and 37 px wide at
# 480x800; now the header is one compact row carrying Back and Continue,
# the field and its error are wholly in view, and every control is a
# target's size (47 px on the 7-inch panel: nine keys across in
# portrait). At 480x800 200% (uk, it) the codice fiscale's label comes
# into view with the field and its error (it was 2 px under the
# header), browse's compact header keeps no empty row with the
# keyboard up (56 px), and the keyboard's Delete ("Cancella",
# "Стерти") takes three keys rather than a smaller word. One PASS/FAIL
# line per combination (about 7 s each); the screens are in
# $O/ui-shots/matrix-*/.
set -u
TOP=${DOTE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
O=${O:-build}
export O MATRIX_COMBOS="1920x1080 uk 200 normal;1280x800 uk 200 normal;800x480 uk 200 normal;800x480 en 200 normal;800x480 it 100 normal;480x800 uk 200 normal;480x800 it 200 normal"
exec bash "$TOP/tests/bench/kiosk_layout_matrix.sh"
