"""What the cloud providers share: one SDK client for the provider's life, the model list,
and errors mapped to what the user should do."""

from __future__ import annotations

from typing import Any

from desktop.core.providers.base import Provider, ProviderError
from desktop.core.providers.cloud_errors import CloudTarget, error_from_exception

# Connect fast, and give up on a silent stream quickly: a live preview cannot wait minutes.
CONNECT_TIMEOUT_S = 5.0


def timeouts(timeout_class: Any, timeout_s: float) -> Any:
    """A timeout in the SDK's own class (the SDKs use different HTTP libraries)."""
    return timeout_class(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))


class CloudProvider(Provider):
    _client: Any
    target: CloudTarget
    timeout_s: float

    def list_models(self) -> list[str]:
        try:
            return sorted(model.id for model in self._client.models.list().data)
        except Exception as exc:  # the SDK's errors, said the way the user can act on
            raise ProviderError(error_from_exception(exc, self.target, self.timeout_s).message
                                ) from None

    def close(self) -> None:
        self._client.close()
