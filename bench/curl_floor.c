/*
 * curl_floor.c
 *		The floor for HTTP requests: GET every URL listed in a file, one
 *		after another, on one libcurl easy handle (so one keep-alive
 *		connection), and print what it took as JSON.
 *
 * The body is received and thrown away: no parsing.  This is what any
 * client of the service pays at least, per request.
 *
 * Usage: curl_floor URL_FILE [ROUNDS]
 *		URL_FILE holds one absolute URL a line; every URL is fetched ROUNDS
 *		times (default 1), in order.  A status other than 2xx is an error.
 * Output: {"requests": n, "bytes": b, "seconds": s, "us_per_request": u}
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t
discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	*(long long *) userdata += (long long) (size * nmemb);
	return size * nmemb;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* read_urls: the lines of a file, in a NULL-terminated array */
static char **
read_urls(const char *path, int *count)
{
	FILE	   *f = fopen(path, "r");
	char		line[8192];
	char	  **urls = NULL;
	int			n = 0;

	if (f == NULL)
	{
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) != NULL)
	{
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		urls = realloc(urls, sizeof(char *) * (n + 1));
		urls[n++] = strdup(line);
	}
	fclose(f);
	*count = n;
	return urls;
}

int
main(int argc, char **argv)
{
	CURL	   *curl;
	struct curl_slist *headers = NULL;
	char	  **urls;
	int			n;
	int			rounds = argc > 2 ? atoi(argv[2]) : 1;
	long long	bytes = 0;
	long		requests = 0;
	double		start;
	double		elapsed;

	if (argc < 2)
	{
		fprintf(stderr, "usage: %s URL_FILE [ROUNDS]\n", argv[0]);
		return 2;
	}
	urls = read_urls(argv[1], &n);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl = curl_easy_init();
	headers = curl_slist_append(headers, "Accept: application/json");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &bytes);
	curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);

	start = now();
	for (int r = 0; r < rounds; r++)
	{
		for (int i = 0; i < n; i++)
		{
			long		status = 0;
			CURLcode	rc;

			curl_easy_setopt(curl, CURLOPT_URL, urls[i]);
			rc = curl_easy_perform(curl);
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
			if (rc != CURLE_OK || status < 200 || status > 299)
			{
				fprintf(stderr, "GET %s: %s, HTTP %ld\n", urls[i],
						curl_easy_strerror(rc), status);
				return 1;
			}
			requests++;
		}
	}
	elapsed = now() - start;
	printf("{\"requests\": %ld, \"bytes\": %lld, \"seconds\": %.6f, "
		   "\"us_per_request\": %.3f}\n",
		   requests, bytes, elapsed, requests ? elapsed * 1e6 / requests : 0.0);
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	curl_global_cleanup();
	return 0;
}
