"""A bearer-token provider for Microsoft's Python Graph SDK pointed at the emulator.

The SDK's Azure Identity provider silently sends no token to non-Microsoft hosts; this one
sends a token it is given, to 127.0.0.1 only.
"""
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator


class EmulatorToken(AccessTokenProvider):
    def __init__(self, token: str) -> None:
        self.token = token
        self.hosts = AllowedHostsValidator(["127.0.0.1"])

    async def get_authorization_token(self, uri, additional_authentication_context=None) -> str:
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self.hosts
