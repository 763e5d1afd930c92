// Package e2e holds the end-to-end tests: they build the playground, serve it
// on a loopback port and drive the notebook page in a real headless Chromium.
//
// The tests skip when no Chromium is installed, unless NASBOOK_REQUIRE_BROWSER
// is set (as CI sets it), in which case a missing browser fails them.
// CHROMIUM names the browser binary when it is not on the PATH.
package e2e
