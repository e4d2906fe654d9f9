"""Small helpers shared by the TetraScience compatibility tests."""

import requests

ORG = "training-sspdemo"


class Tetra:
    """A small client of the TetraScience API with ts-sdk's headers."""

    def __init__(self, base_url: str, token: "str | None", org: "str | None" = ORG):
        self.base_url = base_url
        self.token = token
        self.org = org

    def call(self, method: str, path: str, *, token: "str | None | bool" = True, org: "str | None | bool" = True,
             header: str = "ts-auth-token", **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        chosen = self.token if token is True else token
        if chosen:
            headers[header] = f"Bearer {chosen}" if header == "Authorization" else chosen
        slug = self.org if org is True else org
        if slug:
            headers["x-org-slug"] = slug
        return requests.request(method, self.base_url + "/v1" + path, headers=headers, timeout=60, **kwargs)
