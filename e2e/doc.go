// Package e2e holds the end-to-end tests: they build the playground, serve it
// on a loopback port and drive the notebook page in a real headless Chromium.
//
// The tests skip when no Chromium is installed, unless NASBOOK_REQUIRE_BROWSER
// is set (as CI sets it), in which case a missing browser fails them.
// CHROMIUM names the browser binary when it is not on the PATH.
//
// The tests share one headless Chromium, each in a tab of its own on an
// origin of its own (a server on a port of its own, under a host name no
// other test has had), so no test sees another's storage or service worker.
// Most tests are short and run one after another; tests that need only a
// page share one (onOnePage). The long ones — a lesson's cells, the
// scripts, the compute kernels' tests — call long
// (t.Parallel): they run after the short ones, as many at once as go test's
// -parallel (the number of cores), since much of their time a browser waits
// on one core.
package e2e
