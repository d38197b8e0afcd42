/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The domain's vocabularies. See model.h.
 */
#include "core/model.h"
#include "core/util.h"

#include <string.h>

const struct vocab applicant_statuses[] = {
	{ "unemployed", "Unemployed", "Disoccupato/a" },
	{ "never_employed", "Never employed", "Inoccupato/a (mai lavorato)" },
	{ "student", "Student", "Studente/ssa" },
	{ "neet", "Not in work, study or training (NEET)", "NEET (non studia e non lavora)" },
};
const size_t applicant_statuses_n = ARRAY_SIZE(applicant_statuses);

const struct vocab education_levels[] = {
	{ "none", "No qualification", "Nessun titolo" },
	{ "primary", "Primary school", "Licenza elementare" },
	{ "lower_secondary", "Middle school", "Licenza media" },
	{ "vocational", "Vocational qualification", "Qualifica professionale" },
	{ "upper_secondary", "High school diploma", "Diploma di scuola superiore" },
	{ "bachelor", "Bachelor's degree", "Laurea triennale" },
	{ "master", "Master's degree", "Laurea magistrale" },
	{ "doctorate", "Doctorate", "Dottorato" },
};
const size_t education_levels_n = ARRAY_SIZE(education_levels);

const struct vocab application_statuses[] = {
	{ "received", "Received", "Ricevuta" },
	{ "interview", "Called for interview", "Convocato/a al colloquio" },
	{ "selected", "Selected", "Selezionato/a" },
	{ "not_selected", "Not selected", "Non selezionato/a" },
	{ "withdrawn", "Withdrawn", "Ritirata" },
	{ "started", "Placement started", "Tirocinio avviato" },
	{ "completed", "Placement completed", "Tirocinio concluso" },
	{ "dropped_out", "Dropped out", "Interrotto" },
};
const size_t application_statuses_n = ARRAY_SIZE(application_statuses);

const struct vocab placement_areas[] = {
	{ "registry", "Registry and civil status", "Anagrafe e stato civile" },
	{ "library", "Library", "Biblioteca" },
	{ "social", "Social services", "Servizi sociali" },
	{ "technical", "Technical office", "Ufficio tecnico" },
	{ "culture", "Culture and events", "Cultura ed eventi" },
	{ "education", "Schools and education", "Servizi scolastici" },
	{ "environment", "Environment and green spaces", "Ambiente e verde pubblico" },
	{ "admin", "Administration and protocol", "Segreteria e protocollo" },
	{ "tourism", "Tourism and information", "Turismo e informazioni" },
	{ "sport", "Sport and youth", "Sport e politiche giovanili" },
};
const size_t placement_areas_n = ARRAY_SIZE(placement_areas);

const struct vocab age_bands[] = {
	{ "15-17", "15-17", "15-17" },
	{ "18-24", "18-24", "18-24" },
	{ "25-29", "25-29", "25-29" },
	{ "30-34", "30-34", "30-34" },
	{ "35-49", "35-49", "35-49" },
	{ "50+", "50+", "50+" },
};
const size_t age_bands_n = ARRAY_SIZE(age_bands);

const struct vocab residence_classes[] = {
	{ "same_comune", "Same comune", "Stesso comune" },
	{ "same_province", "Same province", "Stessa provincia" },
	{ "elsewhere", "Elsewhere", "Altrove" },
};
const size_t residence_classes_n = ARRAY_SIZE(residence_classes);

const struct vocab *vocab_find(const struct vocab *v, size_t n, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return &v[i];
	return NULL;
}

const char *age_band(int age)
{
	if (age < 15)
		return NULL;
	if (age <= 17)
		return "15-17";
	if (age <= 24)
		return "18-24";
	if (age <= 29)
		return "25-29";
	if (age <= 34)
		return "30-34";
	if (age <= 49)
		return "35-49";
	return "50+";
}

int application_status_allowed(const char *from, const char *to)
{
	static const char *const edges[][2] = {
		{ "received", "interview" }, { "received", "not_selected" },
		{ "received", "withdrawn" }, { "received", "selected" },
		{ "interview", "selected" }, { "interview", "not_selected" },
		{ "interview", "withdrawn" }, { "selected", "started" },
		{ "selected", "withdrawn" }, { "started", "completed" },
		{ "started", "dropped_out" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++)
		if (!strcmp(edges[i][0], from) && !strcmp(edges[i][1], to))
			return 1;
	return 0;
}
