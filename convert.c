/*-------------------------------------------------------------------------
 *
 * convert.c
 *		  Direct conversions of JSON values to the common column types
 *
 * json.c converts a member's value with the column type's input function,
 * which keeps every type's rules but costs a good part of a scan: for a
 * timestamptz, the input function tokenises the text, looks the tokens up
 * in tables and consults the time zone; for a numeric, it goes through a
 * variable-length intermediate form.  Services send a few forms only:
 * integers, plain decimals, JSON numbers for floating-point columns, ISO
 * 8601 dates and times, canonical UUIDs.  This file builds the datum
 * straight from those forms.
 *
 * Each converter either produces exactly the datum the input function
 * would (same value, same representation) or declines, and then json.c
 * calls the input function as before; so anything unusual (other forms,
 * out-of-range values, typmods it does not apply, errors) behaves as it
 * always did, errors included.  The converter of a column is chosen once,
 * when its I/O is prepared (RestChooseConverter); a domain never gets
 * one, so its constraints are checked by its input function as before.
 * Only ASCII text is accepted, which every server encoding shares, except
 * for the character types, which are converted only in UTF-8 databases.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <errno.h>
#include <math.h>

#include "json_internal.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "pgtime.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

/*
 * The short on-disk form of a numeric (see utils/adt/numeric.c): a 16-bit
 * header holding the sign, display scale and weight, then base-10000
 * digits without leading or trailing zero digits.
 */
#define CONV_NBASE				10000
#define CONV_DEC_DIGITS			4
#define CONV_NUMERIC_SHORT		0x8000
#define CONV_SHORT_SIGN			0x2000
#define CONV_SHORT_DSCALE_SHIFT	7
#define CONV_SHORT_DSCALE_MAX	63
#define CONV_SHORT_WEIGHT_SIGN	0x0040
#define CONV_SHORT_WEIGHT_MASK	0x003F
#define CONV_SHORT_WEIGHT_MAX	63
#define CONV_SHORT_WEIGHT_MIN	(-64)

/* Longest integer and fraction parts a numeric is built from directly. */
#define CONV_NUMERIC_MAX_INT	(CONV_SHORT_WEIGHT_MAX * CONV_DEC_DIGITS)
#define CONV_NUMERIC_MAX_FRAC	CONV_SHORT_DSCALE_MAX

/*
 * The plain text of a value, if it has one without unescaping: a string
 * without escapes, or a number.  Other values are left to the input
 * function.
 */
static inline bool
plain_text(const RestJsonValue *value, bool allow_string,
		   const char **s, size_t *len)
{
	if (value->kind == REST_JSON_NUMBER ||
		(allow_string && value->kind == REST_JSON_STRING && !value->escaped))
	{
		*s = value->start;
		*len = value->len;
		return true;
	}
	return false;
}

/* Parse "-?[0-9]{1,18}" into an int64; false for anything else. */
static bool
parse_small_int(const char *s, size_t len, int64 *result)
{
	const char *end = s + len;
	bool		neg = false;
	int64		v = 0;

	if (s < end && *s == '-')
	{
		neg = true;
		s++;
	}
	if (s == end || end - s > 18)
		return false;
	for (; s < end; s++)
	{
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*result = neg ? -v : v;
	return true;
}

/* smallint from an integer within range. */
static bool
convert_int2(const RestJsonValue *value, int32 typmod, Datum *result)
{
	const char *s;
	size_t		len;
	int64		v;

	if (!plain_text(value, true, &s, &len) || !parse_small_int(s, len, &v) ||
		v < PG_INT16_MIN || v > PG_INT16_MAX)
		return false;
	*result = Int16GetDatum((int16) v);
	return true;
}

/* integer from an integer within range. */
static bool
convert_int4(const RestJsonValue *value, int32 typmod, Datum *result)
{
	const char *s;
	size_t		len;
	int64		v;

	if (!plain_text(value, true, &s, &len) || !parse_small_int(s, len, &v) ||
		v < PG_INT32_MIN || v > PG_INT32_MAX)
		return false;
	*result = Int32GetDatum((int32) v);
	return true;
}

/* bigint from an integer of up to 18 digits (larger ones: the input function). */
static bool
convert_int8(const RestJsonValue *value, int32 typmod, Datum *result)
{
	const char *s;
	size_t		len;
	int64		v;

	if (!plain_text(value, true, &s, &len) || !parse_small_int(s, len, &v))
		return false;
	*result = Int64GetDatum(v);
	return true;
}

/* boolean from true, false, or the strings "true", "false", "t", "f". */
static bool
convert_bool(const RestJsonValue *value, int32 typmod, Datum *result)
{
	const char *s = value->start;
	size_t		len = value->len;

	if (value->kind == REST_JSON_TRUE)
		*result = BoolGetDatum(true);
	else if (value->kind == REST_JSON_FALSE)
		*result = BoolGetDatum(false);
	else if (value->kind != REST_JSON_STRING || value->escaped)
		return false;
	else if ((len == 4 && memcmp(s, "true", 4) == 0) ||
			 (len == 1 && *s == 't'))
		*result = BoolGetDatum(true);
	else if ((len == 5 && memcmp(s, "false", 5) == 0) ||
			 (len == 1 && *s == 'f'))
		*result = BoolGetDatum(false);
	else
		return false;
	return true;
}

/*
 * varchar(n) or bpchar(n) (or without a length) from any value, as its
 * input function would store the value's text: a text that fits, padded
 * with spaces to n characters for bpchar.  A text longer than n
 * characters is left to the input function, which truncates trailing
 * spaces or raises its error.
 */
static bool
convert_varchar_common(const RestJsonValue *value, int32 typmod, bool pad,
					   Datum *result)
{
	text	   *t = palloc(VARHDRSZ + value->len + 1);
	size_t		len = value->len;
	size_t		padding = 0;

	if (value->kind == REST_JSON_STRING && value->escaped)
		len = RestJsonUnescape(VARDATA(t), value->start, value->len, true);
	else
		memcpy(VARDATA(t), value->start, value->len);

	if (typmod >= (int32) VARHDRSZ)
	{
		size_t		maxlen = typmod - VARHDRSZ;

		/* a text of at most maxlen bytes has at most maxlen characters */
		if (len > maxlen || pad)
		{
			size_t		charlen = pg_mbstrlen_with_len(VARDATA(t), len);

			if (charlen > maxlen)
			{
				pfree(t);
				return false;
			}
			if (pad)
				padding = maxlen - charlen;
		}
	}
	if (padding > 0)
	{
		t = repalloc(t, VARHDRSZ + len + padding);
		memset(VARDATA(t) + len, ' ', padding);
	}
	SET_VARSIZE(t, VARHDRSZ + len + padding);
	*result = PointerGetDatum(t);
	return true;
}

/* varchar, with or without a length. */
static bool
convert_varchar(const RestJsonValue *value, int32 typmod, Datum *result)
{
	return convert_varchar_common(value, typmod, false, result);
}

/* character(n), padded as bpchar_in pads it. */
static bool
convert_bpchar(const RestJsonValue *value, int32 typmod, Datum *result)
{
	return convert_varchar_common(value, typmod, true, result);
}

/*
 * A numeric from "-?[0-9]+(\.[0-9]+)?", as a number or a string (Django
 * REST framework sends decimals as strings): the short on-disk form.
 * Without a typmod (scale < 0) its display scale is the fraction's digits;
 * with one, the value must fit as it is (at most scale fraction digits, at
 * most maxint integer digits), and the display scale is the typmod's scale,
 * as apply_typmod leaves it.  Values that need rounding, the long form or
 * an error, exponents and other forms are left to numeric_in.
 */
static inline bool
numeric_from_value(const RestJsonValue *value, int scale, int maxint,
				   Datum *result)
{
	const char *s;
	const char *end;
	size_t		len;
	bool		neg = false;
	const char *ip;
	size_t		ilen;
	const char *fp = NULL;
	size_t		flen = 0;
	char		buf[(CONV_SHORT_WEIGHT_MAX + 1 + CONV_SHORT_DSCALE_MAX / CONV_DEC_DIGITS + 1) * CONV_DEC_DIGITS];
	int			igroups;
	int			fgroups;
	int			ngroups;
	int16		digits[sizeof(buf) / CONV_DEC_DIGITS];
	int			first;
	int			last;
	int			weight;
	Numeric		num;
	size_t		size;

	if (!plain_text(value, true, &s, &len))
		return false;
	end = s + len;
	if (s < end && *s == '-')
	{
		neg = true;
		s++;
	}
	ip = s;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	ilen = s - ip;
	if (ilen == 0)
		return false;
	if (s < end && *s == '.')
	{
		fp = ++s;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
		flen = s - fp;
		if (flen == 0)
			return false;
	}
	if (s != end)
		return false;

	/* leading zeros of the integer part are no digits */
	while (ilen > 0 && *ip == '0')
	{
		ip++;
		ilen--;
	}
	if (ilen > CONV_NUMERIC_MAX_INT || flen > CONV_NUMERIC_MAX_FRAC)
		return false;
	if (scale >= 0 && (flen > (size_t) scale || ilen > (size_t) maxint))
		return false;

	/* lay the digits out in groups of four around the decimal point */
	igroups = (ilen + CONV_DEC_DIGITS - 1) / CONV_DEC_DIGITS;
	fgroups = (flen + CONV_DEC_DIGITS - 1) / CONV_DEC_DIGITS;
	ngroups = igroups + fgroups;
	memset(buf, '0', ngroups * CONV_DEC_DIGITS);
	memcpy(buf + igroups * CONV_DEC_DIGITS - ilen, ip, ilen);
	if (flen > 0)
		memcpy(buf + igroups * CONV_DEC_DIGITS, fp, flen);
	for (int g = 0; g < ngroups; g++)
	{
		const char *d = buf + g * CONV_DEC_DIGITS;

		digits[g] = ((d[0] - '0') * 10 + (d[1] - '0')) * 100 +
			(d[2] - '0') * 10 + (d[3] - '0');
	}

	/* strip zero digits at both ends, as numeric's results always are */
	first = 0;
	last = ngroups;
	weight = igroups - 1;
	while (first < last && digits[first] == 0)
	{
		first++;
		weight--;
	}
	while (last > first && digits[last - 1] == 0)
		last--;
	if (first == last)
	{
		/* zero, of either sign, is positive with weight 0 */
		neg = false;
		weight = 0;
	}
	if (weight > CONV_SHORT_WEIGHT_MAX || weight < CONV_SHORT_WEIGHT_MIN)
		return false;

	size = VARHDRSZ + sizeof(uint16) + (last - first) * sizeof(int16);
	num = (Numeric) palloc(size);
	SET_VARSIZE(num, size);
	{
		uint16		header;
		char	   *p = (char *) num + VARHDRSZ;

		header = CONV_NUMERIC_SHORT |
			(neg ? CONV_SHORT_SIGN : 0) |
			((uint16) (scale >= 0 ? (size_t) scale : flen) <<
			 CONV_SHORT_DSCALE_SHIFT) |
			(weight < 0 ? CONV_SHORT_WEIGHT_SIGN : 0) |
			(weight & CONV_SHORT_WEIGHT_MASK);
		memcpy(p, &header, sizeof(uint16));
		memcpy(p + sizeof(uint16), digits + first,
			   (last - first) * sizeof(int16));
	}
	*result = NumericGetDatum(num);
	return true;
}

/* numeric without a typmod. */
static bool
convert_numeric(const RestJsonValue *value, int32 typmod, Datum *result)
{
	return numeric_from_value(value, -1, 0, result);
}

/*
 * The scale of a numeric typmod numeric_typmod_ok accepts: one of
 * numeric(p,s) with 0 <= s <= p and s small enough for the short form;
 * -1 for any other (no typmod, a negative scale, a scale above the
 * precision), which convert_numeric_typmod does not handle.
 */
static int
numeric_typmod_scale_ok(int32 typmod)
{
	int			precision;
	int			scale;

	if (typmod < (int32) VARHDRSZ)
		return -1;
	precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
	scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
	if (scale < 0 || scale > precision || scale > CONV_SHORT_DSCALE_MAX)
		return -1;
	return scale;
}

/*
 * numeric(p,s) from a decimal that fits without rounding: at most s
 * fraction digits and p - s integer digits, shown with s fraction digits.
 */
static bool
convert_numeric_typmod(const RestJsonValue *value, int32 typmod, Datum *result)
{
	int			precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
	int			scale = numeric_typmod_scale_ok(typmod);

	if (scale < 0)
		return false;
	return numeric_from_value(value, scale, precision - scale, result);
}

/*
 * Copy a JSON number's text, NUL-terminated, into buf of size bufsize;
 * false if the value is not a number or does not fit.
 */
static inline bool
number_cstring(const RestJsonValue *value, char *buf, size_t bufsize)
{
	if (value->kind != REST_JSON_NUMBER || value->len >= bufsize)
		return false;
	memcpy(buf, value->start, value->len);
	buf[value->len] = '\0';
	return true;
}

/*
 * double precision from a JSON number: float8in calls strtod on the same
 * text (the scanner validated it as RFC 8259's grammar, which strtod reads
 * whole), so the result is the same.  Whatever strtod reports with errno
 * (overflow, underflow, denormals) is left to float8in and its rules.
 * Strings (which may hold "NaN", "Infinity", blanks) go to float8in too.
 */
static bool
convert_float8(const RestJsonValue *value, int32 typmod, Datum *result)
{
	char		buf[64];
	char	   *end;
	double		d;

	if (!number_cstring(value, buf, sizeof(buf)))
		return false;
	errno = 0;
	d = strtod(buf, &end);
	if (errno != 0 || *end != '\0')
		return false;
	*result = Float8GetDatum(d);
	return true;
}

/* real from a JSON number, as float4in reads it with strtof. */
static bool
convert_float4(const RestJsonValue *value, int32 typmod, Datum *result)
{
	char		buf[64];
	char	   *end;
	float		f;

	if (!number_cstring(value, buf, sizeof(buf)))
		return false;
	errno = 0;
	f = strtof(buf, &end);
	if (errno != 0 || *end != '\0')
		return false;
	*result = Float4GetDatum(f);
	return true;
}

/* The value of a hexadecimal digit, or -1. */
static inline int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse n ASCII digits at s; -1 if one is not a digit. */
static inline int
parse_digits(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* What an ISO 8601 date-time text holds. */
typedef struct IsoDateTime
{
	int			year;
	int			month;
	int			day;
	int			hour;
	int			minute;
	int			second;
	int64		usec;			/* fractional second, in microseconds */
	bool		has_time;
	bool		has_offset;
	int			offset;			/* seconds east of UTC */
} IsoDateTime;

/* Parse "YYYY-MM-DD" of a year 1000 to 9999, a valid day; false otherwise. */
static bool
parse_iso_date(const char *s, IsoDateTime *dt)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			maxday;

	if (s[4] != '-' || s[7] != '-')
		return false;
	dt->year = parse_digits(s, 4);
	dt->month = parse_digits(s + 5, 2);
	dt->day = parse_digits(s + 8, 2);
	if (dt->year < 1000 || dt->month < 1 || dt->month > 12 || dt->day < 1)
		return false;
	maxday = mdays[dt->month - 1];
	if (dt->month == 2 && isleap(dt->year))
		maxday = 29;
	return dt->day <= maxday;
}

/*
 * Parse an ISO 8601 date, or date and time: "YYYY-MM-DD", or that followed
 * by "T" or " ", "HH:MM:SS", an optional fraction of a second, and an
 * optional "Z", "+HH", "+HH:MM" or "+HHMM" (or "-").  Hours 0 to 23,
 * seconds 0 to 59 and offsets under 15 hours only; anything else is left
 * to the input function.
 */
static bool
parse_iso_datetime(const char *s, size_t len, IsoDateTime *dt)
{
	const char *end = s + len;
	const char *p;

	memset(dt, 0, sizeof(IsoDateTime));
	if (len < 10 || !parse_iso_date(s, dt))
		return false;
	if (len == 10)
		return true;
	if ((s[10] != 'T' && s[10] != ' ') || len < 19 ||
		s[13] != ':' || s[16] != ':')
		return false;
	dt->has_time = true;
	dt->hour = parse_digits(s + 11, 2);
	dt->minute = parse_digits(s + 14, 2);
	dt->second = parse_digits(s + 17, 2);
	if (dt->hour < 0 || dt->hour > 23 || dt->minute < 0 || dt->minute > 59 ||
		dt->second < 0 || dt->second > 59)
		return false;
	p = s + 19;
	if (p < end && *p == '.')
	{
		const char *f = p;
		int			ndigits;

		p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		ndigits = p - f - 1;
		if (ndigits < 1)
			return false;
		if (ndigits <= 6)
		{
			/* exact: the input function's rounding leaves these alone */
			dt->usec = parse_digits(f + 1, ndigits);
			for (int i = ndigits; i < 6; i++)
				dt->usec *= 10;
		}
		else
		{
			/* rounded to microseconds as the input function rounds them */
			char		frac[32];

			if (p - f >= (ptrdiff_t) sizeof(frac))
				return false;
			memcpy(frac, f, p - f);
			frac[p - f] = '\0';
			dt->usec = (int64) rint(strtod(frac, NULL) * 1000000);
			if (dt->usec >= USECS_PER_SEC)
				return false;
		}
	}
	if (p == end)
		return true;
	dt->has_offset = true;
	if (*p == 'Z' && p + 1 == end)
		return true;
	if (*p == '+' || *p == '-')
	{
		int			sign = (*p == '+') ? 1 : -1;
		int			hh;
		int			mm = 0;
		size_t		rest = end - (p + 1);

		hh = (rest >= 2) ? parse_digits(p + 1, 2) : -1;
		if (rest == 2)
			;
		else if (rest == 5 && p[3] == ':')
			mm = parse_digits(p + 4, 2);
		else if (rest == 4)
			mm = parse_digits(p + 3, 2);
		else
			return false;
		if (hh < 0 || hh >= MAX_TZDISP_HOUR || mm < 0 || mm > 59)
			return false;
		dt->offset = sign * (hh * SECS_PER_HOUR + mm * SECS_PER_MINUTE);
		return true;
	}
	return false;
}

/* The local timestamp a parsed date-time denotes, offset ignored. */
static inline int64
iso_local_timestamp(const IsoDateTime *dt)
{
	int64		days = date2j(dt->year, dt->month, dt->day) - POSTGRES_EPOCH_JDATE;
	int64		time;

	time = ((dt->hour * MINS_PER_HOUR + dt->minute) * SECS_PER_MINUTE +
			dt->second) * USECS_PER_SEC + dt->usec;
	return days * USECS_PER_DAY + time;
}

/* date from "YYYY-MM-DD". */
static bool
convert_date(const RestJsonValue *value, int32 typmod, Datum *result)
{
	IsoDateTime dt;

	if (value->kind != REST_JSON_STRING || value->escaped ||
		value->len != 10 || !parse_iso_datetime(value->start, 10, &dt))
		return false;
	*result = DateADTGetDatum(date2j(dt.year, dt.month, dt.day) -
							  POSTGRES_EPOCH_JDATE);
	return true;
}

/*
 * timestamp without a typmod from an ISO 8601 date-time; an offset, which
 * timestamp_in accepts and ignores, is ignored here too.
 */
static bool
convert_timestamp(const RestJsonValue *value, int32 typmod, Datum *result)
{
	IsoDateTime dt;

	if (typmod >= 0 || value->kind != REST_JSON_STRING || value->escaped ||
		!parse_iso_datetime(value->start, value->len, &dt))
		return false;
	*result = TimestampGetDatum(iso_local_timestamp(&dt));
	return true;
}

/*
 * timestamptz without a typmod from an ISO 8601 date-time: at its offset,
 * or, without one, in the session's time zone, resolved as the input
 * function resolves it (DetermineTimeZoneOffset, which also decides times
 * in a daylight-saving transition).
 */
static bool
convert_timestamptz(const RestJsonValue *value, int32 typmod, Datum *result)
{
	IsoDateTime dt;
	int			tz;				/* seconds west of UTC */

	if (typmod >= 0 || value->kind != REST_JSON_STRING || value->escaped ||
		!parse_iso_datetime(value->start, value->len, &dt))
		return false;
	if (dt.has_offset)
		tz = -dt.offset;
	else
	{
		struct pg_tm tm;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = dt.year;
		tm.tm_mon = dt.month;
		tm.tm_mday = dt.day;
		tm.tm_hour = dt.hour;
		tm.tm_min = dt.minute;
		tm.tm_sec = dt.second;
		tz = DetermineTimeZoneOffset(&tm, session_timezone);
	}
	*result = TimestampTzGetDatum(iso_local_timestamp(&dt) +
								  (int64) tz * USECS_PER_SEC);
	return true;
}

/* uuid from its canonical form, in either case. */
static bool
convert_uuid(const RestJsonValue *value, int32 typmod, Datum *result)
{
	const char *s = value->start;
	pg_uuid_t  *uuid;
	unsigned char bytes[UUID_LEN];
	int			n = 0;

	if (value->kind != REST_JSON_STRING || value->escaped || value->len != 36)
		return false;
	for (int i = 0; i < 36;)
	{
		int			hi,
					lo;

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		hi = hex_digit(s[i]);
		lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		bytes[n++] = (unsigned char) (hi << 4 | lo);
		i += 2;
	}
	uuid = palloc(sizeof(pg_uuid_t));
	memcpy(uuid->data, bytes, UUID_LEN);
	*result = UUIDPGetDatum(uuid);
	return true;
}

/*
 * The direct converter of a column type, or NULL when its values always go
 * through the input function.  Types are matched exactly: a domain has no
 * converter.  text has its own direct path in json.c.
 */
RestConverter
RestChooseConverter(Oid typid, int32 typmod, bool convert_encoding)
{
	switch (typid)
	{
		case INT2OID:
			return convert_int2;
		case INT4OID:
			return convert_int4;
		case INT8OID:
			return convert_int8;
		case BOOLOID:
			return convert_bool;
		case VARCHAROID:
			return convert_encoding ? NULL : convert_varchar;
		case BPCHAROID:
			return convert_encoding ? NULL : convert_bpchar;
		case NUMERICOID:
			if (typmod < 0)
				return convert_numeric;
			return numeric_typmod_scale_ok(typmod) >= 0 ?
				convert_numeric_typmod : NULL;
		case FLOAT4OID:
			return convert_float4;
		case FLOAT8OID:
			return convert_float8;
		case DATEOID:
			return convert_date;
		case TIMESTAMPOID:
			return typmod < 0 ? convert_timestamp : NULL;
		case TIMESTAMPTZOID:
			return typmod < 0 ? convert_timestamptz : NULL;
		case UUIDOID:
			return convert_uuid;
		default:
			return NULL;
	}
}
