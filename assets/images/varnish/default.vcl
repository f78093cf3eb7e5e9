# Varnish configuration of the lab (step 7): cache what HAProxy returns.
vcl 4.1;

# HAProxy, by its name on the step's Docker network.
backend default {
    .host = "haproxy";
    .port = "80";
    .connect_timeout = 5s;
    .first_byte_timeout = 30s;
}

# Answers are cached for as long as the app's Cache-Control allows
# (the hello app sends "public, max-age=60"); every distinct URL, query
# string included, is a distinct object.
sub vcl_deliver {
    # Say whether this answer came from the cache. Varnish also sets Age
    # (seconds in cache) and X-Varnish (one id on a miss, two on a hit).
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
