"""The optional parts of this package that plug into the core, named as ``module:factory``.

The core (:mod:`boto3_connectparticipant_ext._plugin`) never imports them: on ``install()`` it
resolves each name and registers the :class:`~boto3_connectparticipant_ext._plugin.ClientFlavour`
the factory returns, exactly as it does for a flavour another package registers with
:func:`~boto3_connectparticipant_ext._plugin.register_client_flavour`. A factory must not import
the library it supports (it installs its own import hook).

Examples
--------
>>> all(":" in name for name in BUILTIN_FLAVOURS)
True
"""

from __future__ import annotations

BUILTIN_FLAVOURS = ("boto3_connectparticipant_ext.aio._patch:client_flavour",)
