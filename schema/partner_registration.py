"""Online partner registration and the cooperation unit's decision on it."""

import strawberry

from models import Partner, User
from models.errors import DomainError, DomainErrors
from resolvers import auth, partner_registration
from schema.audit import audited_mutation
from schema.context import Info
from schema.enums import PartnerKindEnum
from schema.errors import UserError, to_user_errors
from schema.identity import UserType
from schema.partners import PartnerType
from schema.relay import decode_id


@strawberry.input(description="An organisation signs itself up, with its first user account.")
class RegisterPartnerInput:
    name: str = strawberry.field(description="The organisation's name.")
    kind: PartnerKindEnum  # type: ignore[valid-type]
    contact_name: str = strawberry.field(description="Who registers; the account's name.")
    email: str = strawberry.field(description="Sign-in email of the account.")
    password: str
    country: str = "Indonesia"
    province: str = ""
    city: str = ""
    address: str = ""
    contact_position: str = ""
    phone: str = ""


@strawberry.input
class VerifyPartnerRegistrationInput:
    partner_id: strawberry.ID
    revision: int | None = None


@strawberry.input
class RejectPartnerRegistrationInput:
    partner_id: strawberry.ID
    reason: str = strawberry.field(description="Required; the registrant is told.")
    revision: int | None = None


@strawberry.input(
    description="The organisation is already on record: move the registration's users and "
    "proposals to that partner and remove the duplicate."
)
class MergePartnerRegistrationInput:
    partner_id: strawberry.ID = strawberry.field(description="The registration (UNVERIFIED).")
    into_partner_id: strawberry.ID = strawberry.field(description="The partner kept (VERIFIED).")
    revision: int | None = strawberry.field(default=None, description="Of the registration.")


@strawberry.type
class RegisterPartnerPayload:
    partner: PartnerType | None
    user: UserType | None = strawberry.field(description="Sign in with `login` right away.")
    retry_after_seconds: int | None = strawberry.field(
        description="When RATE_LIMITED: how long to wait."
    )
    errors: list[UserError]


@strawberry.type
class PartnerRegistrationPayload:
    partner: PartnerType | None
    errors: list[UserError]


def _payload(partner: Partner | None, errors: list[UserError]) -> PartnerRegistrationPayload:
    return PartnerRegistrationPayload(
        partner=PartnerType.from_model(partner) if partner else None, errors=errors
    )


@strawberry.type
class PartnerRegistrationMutations:
    @audited_mutation(
        description="Public: register an organisation as a partner (UNVERIFIED until the "
        "cooperation unit checks it) with its first PARTNER account, which can propose at once."
    )
    async def register_partner(
        self, info: Info, input: RegisterPartnerInput
    ) -> RegisterPartnerPayload:
        organisation = {
            "name": input.name,
            "kind": input.kind,
            "country": input.country,
            "province": input.province,
            "city": input.city,
            "address": input.address,
        }
        contact = {
            "name": input.contact_name,
            "position": input.contact_position,
            "email": input.email,
            "phone": input.phone,
        }
        result: tuple[Partner, User] | None = None
        retry_after = None
        try:
            result = await partner_registration.register_partner(
                info.context, organisation, contact, input.password
            )
            errors = []
        except auth.RateLimited as limited:
            errors, retry_after = to_user_errors(limited), limited.retry_after
        except (DomainError, DomainErrors) as error:
            errors = to_user_errors(error)
        partner, user = result or (None, None)
        return RegisterPartnerPayload(
            partner=PartnerType.from_model(partner) if partner else None,
            user=UserType.from_model(user) if user else None,
            retry_after_seconds=retry_after,
            errors=errors,
        )

    @audited_mutation(description="Confirm a registered partner's identity (ADMIN).")
    async def verify_partner_registration(
        self, info: Info, input: VerifyPartnerRegistrationInput
    ) -> PartnerRegistrationPayload:
        partner_id = decode_id(input.partner_id, "Partner", "partnerId")
        result = await partner_registration.verify_registration(
            info.context, partner_id, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Refuse a registration (ADMIN): its accounts are deactivated and its open "
        "proposals rejected with the same reason."
    )
    async def reject_partner_registration(
        self, info: Info, input: RejectPartnerRegistrationInput
    ) -> PartnerRegistrationPayload:
        partner_id = decode_id(input.partner_id, "Partner", "partnerId")
        result = await partner_registration.reject_registration(
            info.context, partner_id, input.reason, input.revision
        )
        return _payload(result, [])

    @audited_mutation(
        description="Merge a registration into the partner already on record (ADMIN); returns "
        "the partner kept."
    )
    async def merge_partner_registration(
        self, info: Info, input: MergePartnerRegistrationInput
    ) -> PartnerRegistrationPayload:
        partner_id = decode_id(input.partner_id, "Partner", "partnerId")
        into_id = decode_id(input.into_partner_id, "Partner", "intoPartnerId")
        result = await partner_registration.merge_registration(
            info.context, partner_id, into_id, input.revision
        )
        return _payload(result, [])
