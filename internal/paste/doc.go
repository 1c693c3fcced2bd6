// Package paste turns a request copied from browser developer tools into
// the page's request: Chromium's and Edge's "Copy as cURL (bash)" and
// "(cmd)", Firefox's "Copy as cURL", "Copy as PowerShell", and "Copy as
// fetch" / "Copy as fetch (Node.js)".
package paste
