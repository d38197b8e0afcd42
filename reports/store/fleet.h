/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosks as a fleet (fleet.c): what each heartbeat stores
 * (store_heartbeat in store.h: health, usage counts, the status changes
 * sent back) and the health table `dote kiosk list` and the fleet page
 * show, with the flags a coordinator acts on. Start reading at
 * fleet_list().
 */
#ifndef DOTE_REPORTS_FLEET_H
#define DOTE_REPORTS_FLEET_H
#include <stddef.h>
#include <stdio.h>

struct store;

struct kiosk_health {
	char id[16], comune[7], name[65], status[12];
	char last_seen[24], version[40], printer[40];
	long long queue_depth, last_frame_ms;
	long long silent_minutes;	/* since the last heartbeat (or enrolment); -1 never */
	int never_seen;
	int flag_silent, flag_paper, flag_printer, flag_outbox, flag_slow;
};
struct fleet_thresholds {
	int silent_minutes;		/* hub config kiosk_silent_minutes */
	int outbox_minutes;		/* outbox_growing_minutes */
	int frame_ms;			/* slow_frame_ms */
};
/* Every kiosk, the ones needing attention first. *out malloc'd. 0 or -1. */
int fleet_list(struct store *s, const struct fleet_thresholds *t, struct kiosk_health **out, int *n);
/* Records a heartbeat's outbox depth for the trend (store_heartbeat's
 * transaction). 0 or -1. */
int fleet_heartbeat_note(struct store *s, const char *kiosk_id, const char *depth, const char *now);
/* The defaults of the hub's configuration keys (30, 15, 200). */
extern const struct fleet_thresholds fleet_defaults;
/* `dote kiosk list`: the table with a flags column (t NULL: defaults). */
int fleet_print(struct store *s, const struct fleet_thresholds *t, FILE *out);
/* The flags of k as short words ('silent,paper-out,...'), '' when none. */
void kiosk_health_flags(const struct kiosk_health *k, char *buf, size_t size);
#endif
