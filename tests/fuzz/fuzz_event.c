/*
 * libFuzzer target: the event parser and its canonical form.
 *
 * The input is one NDJSON line (or an API body).  When reg_event_parse_text
 * accepts it, reg_event_text must give text that is accepted again and
 * gives the very same canonical text: that equality is how a re-sent event
 * is recognised (idempotency), so a canonical form that drifts would make
 * the same event "different" the second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/day.h"
#include "register/event.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("DANSO_TODAY", "2026-11-22", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	struct reg_event ev;
	struct ds_problem pb;
	memset(&pb, 0, sizeof pb);
	enum ds_rc rc = reg_event_parse_text(copy, size, &ev, &pb);
	free(copy);
	if (rc != DS_OK) {
		char msg[512];
		ds_problem_format(&pb, "en", msg, sizeof msg);
		return 0;
	}
	char *text = reg_event_text(&ev);
	if (!text)
		__builtin_trap();
	struct reg_event again;
	memset(&pb, 0, sizeof pb);
	if (reg_event_parse_text(text, strlen(text), &again, &pb) != DS_OK)
		__builtin_trap(); /* the canonical form is refused */
	char *text2 = reg_event_text(&again);
	if (!text2 || strcmp(text, text2) != 0)
		__builtin_trap(); /* the canonical form is not stable */
	free(text);
	free(text2);
	return 0;
}
