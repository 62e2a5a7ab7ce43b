"""Built-in channel plugins (import name ``jubao_plugins``).

Each sub-package is one channel adapter, registered through the same entry-point group a third-party plugin
uses. The channels themselves arrive with the plugin-contract and channel issues.
"""
