/*-------------------------------------------------------------------------
 *
 * option_internal.h
 *		  What the option validator and readers (option.c) share with the
 *		  option groups of the transport, the identity and the statistics
 *		  (option_groups.c).  No other file sees it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_OPTION_INTERNAL_H
#define REST_OPTION_INTERNAL_H

#include "rest_fdw.h"

/* An option's value that is one of a few names. */
typedef struct RestKeyword
{
	const char *name;
	int			value;
} RestKeyword;

/* option.c: value parsers */
extern int	RestParseKeyword(DefElem *def, const RestKeyword *keywords);
extern int	RestParseIntOption(DefElem *def, int min, int max);
extern long RestParseSeconds(DefElem *def);
extern void RestValidateBaseUrl(DefElem *def);

/* option_groups.c: each group checks and reads its own options */
extern void RestCheckOauthOptions(List *options);
extern bool RestReadConnectionOption(RestTable *table, DefElem *def);
extern bool RestReadIdentityOption(RestTable *table, DefElem *def);
extern bool RestReadStatisticsOption(RestTable *table, DefElem *def);
extern bool RestValidateConnectionOption(DefElem *def);
extern bool RestValidateIdentityOption(DefElem *def);
extern bool RestValidateStatisticsOption(DefElem *def);

#endif							/* REST_OPTION_INTERNAL_H */
