/* SPDX-License-Identifier: EUPL-1.2 */
/* The comuni and cadastral-code tables, compiled into every binary so the
 * kiosk and the CLI need no data files at run time (core/comuni.c). */
	.section .rodata
	.global dote_comuni_tsv
	.global dote_comuni_tsv_end
	.global dote_belfiore_tsv
	.global dote_belfiore_tsv_end
dote_comuni_tsv:
	.incbin "assets/data/comuni.tsv"
dote_comuni_tsv_end:
	.byte 0
dote_belfiore_tsv:
	.incbin "assets/data/belfiore.tsv"
dote_belfiore_tsv_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
