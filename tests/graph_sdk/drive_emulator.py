"""Drives the emulator with Microsoft's Python Graph SDK (msgraph-sdk): an independent client.

Reads the emulator's addresses and the demo app's credentials from the environment, then
  1. searches users with $search (ConsistencyLevel: eventual),
  2. pages through a group's transitive members (cast to users) with the SDK's PageIterator,
  3. creates an event in the first member's calendar, twice with one transactionId,
  4. reads it back, updates its subject and reads it again,
  5. lists the calendar view of its day,
  6. reads a user with their manager expanded,
and prints one JSON object with what it saw, for the Rust test to check.
"""
import asyncio
import json
import os

import httpx
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.groups.item.transitive_members.graph_user.graph_user_request_builder import (
    GraphUserRequestBuilder,
)
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import (
    CalendarViewRequestBuilder,
)
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core.tasks.page_iterator import PageIterator

from emulator_token import EmulatorToken


async def app_token() -> str:
    url = f"{os.environ['LOGIN_URL'].rstrip('/')}/{os.environ['TENANT_ID']}/oauth2/v2.0/token"
    async with httpx.AsyncClient() as http:
        answer = await http.post(url, data={
            "grant_type": "client_credentials",
            "client_id": os.environ["CLIENT_ID"],
            "client_secret": os.environ["CLIENT_SECRET"],
            "scope": "https://graph.microsoft.com/.default",
        })
        answer.raise_for_status()
        return answer.json()["access_token"]


async def main() -> None:
    auth = BaseBearerTokenAuthenticationProvider(EmulatorToken(await app_token()))
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = os.environ["GRAPH_URL"]
    client = GraphServiceClient(request_adapter=adapter)

    search = RequestConfiguration(query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
        search='"displayName:ay"', select=["id", "displayName", "mail"], top=25, count=True,
    ))
    search.headers.add("ConsistencyLevel", "eventual")
    found = await client.users.get(request_configuration=search)

    members = RequestConfiguration(query_parameters=GraphUserRequestBuilder.GraphUserRequestBuilderGetQueryParameters(
        select=["id", "mail"], top=999,
    ))
    first = await client.groups.by_group_id(os.environ["GROUP_ID"]).transitive_members.graph_user.get(
        request_configuration=members,
    )
    ids = []
    pages = PageIterator(first, adapter)

    def collect(user) -> bool:
        ids.append(user.id)
        return True

    await pages.iterate(collect)

    def meeting() -> Event:
        return Event(
            subject="Bütçe toplantısı",
            body=ItemBody(content_type=BodyType.Html, content="<p>Join Webex</p>"),
            start=DateTimeTimeZone(date_time="2026-12-01T09:00:00", time_zone="UTC"),
            end=DateTimeTimeZone(date_time="2026-12-01T10:00:00", time_zone="UTC"),
            attendees=[Attendee(
                email_address=EmailAddress(address="ayse.yilmaz@ornek.example", name="Ayşe Yılmaz"),
                type=AttendeeType.Required,
            )],
            transaction_id="sdk-transaction-1",
        )

    organiser = client.users.by_user_id(os.environ["ORGANISER_ID"])
    events = organiser.events
    created = await events.post(meeting())
    retried = await events.post(meeting())

    read = await events.by_event_id(created.id).get()
    await events.by_event_id(created.id).patch(Event(subject="Bütçe toplantısı (güncel)"))
    updated = await events.by_event_id(created.id).get()

    window = RequestConfiguration(query_parameters=CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time="2026-12-01T00:00:00Z", end_date_time="2026-12-02T00:00:00Z",
    ))
    day = await organiser.calendar_view.get(request_configuration=window)

    with_manager = RequestConfiguration(query_parameters=UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
        select=["id", "displayName"], expand=["manager($select=id,displayName)"],
    ))
    reporter = await client.users.by_user_id(os.environ["REPORT_ID"]).get(request_configuration=with_manager)

    print(json.dumps({
        "search_count": found.odata_count,
        "search_names": [u.display_name for u in found.value],
        "member_ids": ids,
        "event_ids": [created.id, retried.id],
        "event_subject": created.subject,
        "event_attendees": [a.email_address.address for a in created.attendees],
        "read_subject": read.subject,
        "read_online": [read.is_online_meeting, str(read.online_meeting_provider.value) if read.online_meeting_provider else None],
        "updated_subject": updated.subject,
        "calendar_view_ids": [e.id for e in day.value],
        "manager_name": reporter.manager.display_name if reporter.manager else None,
    }))


asyncio.run(main())
