"""Server-rendered pages for people: sign-in and sign-out (the cookie session) and the
student's "My learning". Templates live in ``web/templates/pages``; scripts and styles are
static files (the CSP allows nothing inline)."""
