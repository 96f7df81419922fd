"""Two-factor login (TOTP) for everyone who can reach the Wagtail admin.

GB/T 22239-2019 level 3 asks that privileged users authenticate with two factors. Staff
(authorities, review bodies, editors, administrators) log in with their password as before, then
enter a 6-digit code from an authenticator app; applicants are not affected. Built on django-otp:
its ``OTPMiddleware`` tells whether the session is verified, ``TOTPDevice`` holds the secret and
throttles wrong codes; this package adds the policy (who must verify, where), the enrolment and
verification pages and the middleware that sends an unverified staff session to them.
"""
