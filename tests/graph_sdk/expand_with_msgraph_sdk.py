"""The peer of Davet's expansion benchmark: the same groups expanded the way Microsoft's
documentation shows it with the Python Graph SDK (msgraph-sdk): group by group, a PageIterator
over transitiveMembers, people deduplicated by address.

Environment: GRAPH_URL (the emulator's /v1.0), TOKEN (a delegated Graph token), GROUP_IDS
(comma-separated). Prints one JSON object: milliseconds and distinct people.
"""
import asyncio
import json
import os
import time

from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.groups.item.transitive_members.transitive_members_request_builder import (
    TransitiveMembersRequestBuilder,
)
from msgraph_core.tasks.page_iterator import PageIterator

from emulator_token import EmulatorToken


async def main() -> None:
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(EmulatorToken(os.environ["TOKEN"])))
    adapter.base_url = os.environ["GRAPH_URL"]
    client = GraphServiceClient(request_adapter=adapter)
    query = TransitiveMembersRequestBuilder.TransitiveMembersRequestBuilderGetQueryParameters(
        select=["id", "displayName", "mail", "userType", "accountEnabled"], top=999,
    )
    people = set()
    started = time.perf_counter()
    for group_id in os.environ["GROUP_IDS"].split(","):
        first = await client.groups.by_group_id(group_id).transitive_members.get(
            request_configuration=RequestConfiguration(query_parameters=query),
        )
        iterator = PageIterator(first, adapter)

        def collect(member) -> bool:
            mail = getattr(member, "mail", None)
            if mail and getattr(member, "account_enabled", True) is not False:
                people.add(mail.lower())
            return True

        await iterator.iterate(collect)
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "people": len(people)}))


asyncio.run(main())
