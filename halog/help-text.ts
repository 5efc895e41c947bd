// halog 2.6 usage and long help texts, kept byte-identical because scripts parse them.
// Used by flags.ts only. Hot path: no.

export const HALOG_USAGE =
  "Usage:\n" +
  "  halog [-h|--help] for long help\n" +
  "  halog [input_filters]* [modifiers]* [output_format] < log\n" +
  "    inp = [-e|-E] [-H] [-Q|-QS] [-rt|-RT <time>] [-ad <delay>] [-ac <count>]\n" +
  "          [-hs|-HS [min][:[max]]] [-tcn|-TCN <termcode>] [-time [min][:[max]]]\n" +
  "    mod = [-q] [-v] [-m <lines>] [-s <skipflds>] [-query]\n" +
  "    out = {-c|-u|-uc|-ue|-ua|-ut|-uao|-uto|-uba|-ubt|-hdr <block>:<field>|\n" +
  "           -cc|-gt|-pct|-st|-tc|-srv|-ic}\n" +
  "\n";

export const HALOG_LONG_HELP =
  "Input filters - several filters may be combined\n" +
  " -H                      only match lines containing HTTP logs (ignore TCP)\n" +
  " -E                      only match lines without any error (no 5xx status)\n" +
  " -e                      only match lines with errors (status 5xx or negative)\n" +
  " -rt|-RT <time>          only match response times larger|smaller than <time>\n" +
  " -Q|-QS                  only match queued requests (any queue|server queue)\n" +
  " -tcn|-TCN <code>        only match requests with/without termination code <code>\n" +
  " -hs|-HS <[min][:][max]> only match requests with HTTP status codes within/not\n" +
  "                         within min..max. Any of them may be omitted. Exact\n" +
  "                         code is checked for if no ':' is specified.\n" +
  " -time <[min][:max]>     only match requests recorded between timestamps.\n" +
  "                         Any of them may be omitted.\n" +
  "Modifiers\n" +
  " -v                      invert the input filtering condition\n" +
  " -q                      don't report errors/warnings\n" +
  " -m <lines>              limit output to the first <lines> lines\n" +
  " -s <skip_n_fields>      skip n fields from the beginning of a line (default 5)\n" +
  "                         you can also use -n to start from earlier then field 5\n" +
  " -query                  preserve the query string for per-URL (-u*) statistics\n" +
  "\n" +
  "Output format - only one may be used at a time\n" +
  " -c    only report the number of lines that would have been printed\n" +
  " -pct  output connect and response times percentiles\n" +
  " -st   output number of requests per HTTP status code\n" +
  " -cc   output number of requests per cookie code (2 chars)\n" +
  " -tc   output number of requests per termination code (2 chars)\n" +
  " -srv  output statistics per server (time, requests, errors)\n" +
  " -ic   output statistics per ip count (time, requests, errors)\n" +
  " -u*   output statistics per URL (time, requests, errors)\n" +
  "       Additional characters indicate the output sorting key :\n" +
  "       -u : by URL, -uc : request count, -ue : error count\n" +
  "       -ua : average response time, -ut : average total time\n" +
  "       -uao, -uto: average times computed on valid ('OK') requests\n" +
  "       -uba, -ubt: average bytes returned, total bytes returned\n" +
  " -hdr  output captured header at the given <block>:<field>\n";

/* Sluice's long options, printed after halog's help by `--help` only (`-h` stays halog's, byte for byte). */
export const SLUICE_LONG_HELP =
  "\n" +
  "Sluice extensions (long options; halog's flags above keep halog's output)\n" +
  " --json                  print the chosen report as one JSON object\n" +
  " --duckdb <file>         load the log lines into a DuckDB file (tables http_log,\n" +
  "                         tcp_log, raw_log), as sluice-collect does\n" +
  " --parquet <dir>         load them into hour-partitioned Parquet files under <dir>\n" +
  " --sql <report>          report over .duckdb files, Parquet directories and/or log\n" +
  "                         files: timers (TR/Tw/Tc/Tr/Ta p50/p90/p99/p99.9),\n" +
  "                         status (codes per backend and server), servers (error\n" +
  "                         rates and termination states per server)\n" +
  " --threads <n>           worker threads for the mergeable reports\n" +
  " --no-progress           no progress bar on stderr (drawn only for file\n" +
  "                         arguments on a TTY)\n" +
  " Files may be named after the flags (plain or .gz); '-' or none reads stdin.\n";
