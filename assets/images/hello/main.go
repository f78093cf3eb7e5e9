// hello: the lab's small web server, in the spirit of the 2015 demo's hello_onug.
// It answers every request on port 8080 with a greeting that names the
// container it runs in, so an attendee can see which backend answered.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	name := os.Getenv("HELLO_NAME")
	if name == "" {
		name, _ = os.Hostname()
	}
	addr := ":" + getenv("HELLO_PORT", "8080")

	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", name)
		// Let a cache in front keep the answer for a short while.
		w.Header().Set("Cache-Control", "public, max-age=60")
		fmt.Fprintf(w, "Hello ONUG from Go in a minimal Docker container: %s (%s)\n", name, localAddrs())
	})
	log.Printf("hello %s listening on %s", name, addr)
	log.Fatal(http.ListenAndServe(addr, nil))
}

func getenv(key, fallback string) string {
	if value := os.Getenv(key); value != "" {
		return value
	}
	return fallback
}

// localAddrs lists the container's IPv4 addresses, loopback excluded.
func localAddrs() string {
	addrs, _ := netInterfaces()
	return strings.Join(addrs, ", ")
}
