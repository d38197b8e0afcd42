/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * systemd notification protocol (sd_notify) without libsystemd: READY=1
 * once the first frame is on screen, WATCHDOG=1 from the render loop so
 * a hung UI is restarted. No-ops when NOTIFY_SOCKET is unset.
 */
#ifndef DOTE_KIOSK_SDNOTIFY_H
#define DOTE_KIOSK_SDNOTIFY_H
/* Sends READY=1. */
void sdnotify_ready(void);
/* Sends WATCHDOG=1 at most twice per WATCHDOG_USEC period; cheap to call
 * every frame. Silent when WATCHDOG_USEC is unset or WATCHDOG_PID names
 * another process. The environment is read on the first call. */
void sdnotify_watchdog(void);
/* Sends STATUS=text. */
void sdnotify_status(const char *text);
#endif
