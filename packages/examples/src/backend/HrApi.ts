/**
 * The HTTP API of an HR backend: onboard an employee, change a role, deactivate. The Effect
 * counterpart of the Python guide's FastAPI integration, as a typed `HttpApi` definition (a
 * client, OpenAPI docs and the server all come from it).
 *
 * @since 0.1.0
 */
import * as Employee from "@asgardeo-scim/hr/Employee"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export class Onboarded extends Schema.Class<Onboarded>("Onboarded")({
  employeeId: Schema.String,
  userName: Schema.String,
  userId: Schema.String,
  outcome: Schema.Literal("created", "existing", "updated"),
  role: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category schemas
 */
export class RoleChanged extends Schema.Class<RoleChanged>("RoleChanged")({
  userId: Schema.String,
  userName: Schema.String,
  role: Schema.String,
  removedFrom: Schema.Array(Schema.String)
}) {}

const UserId = Schema.Struct({ userId: Schema.String })

/**
 * @since 0.1.0
 * @category groups
 */
export class Employees extends HttpApiGroup.make("employees")
  .add(
    HttpApiEndpoint.post("onboard", "/employees")
      .setPayload(Employee.Employee)
      .addSuccess(Onboarded, { status: 201 })
  )
  .add(
    HttpApiEndpoint.put("changeRole", "/employees/:userId/role")
      .setPath(UserId)
      .setPayload(Schema.Struct({ role: Schema.String }))
      .addSuccess(RoleChanged)
  )
  .add(
    HttpApiEndpoint.post("deactivate", "/employees/:userId/deactivate")
      .setPath(UserId)
  )
  // Every endpoint can answer these (see HrApiLive.toHttpError).
  .addError(HttpApiError.BadRequest)
  .addError(HttpApiError.NotFound)
  .addError(HttpApiError.Conflict)
  .addError(HttpApiError.ServiceUnavailable)
  .addError(HttpApiError.InternalServerError)
{}

/**
 * @since 0.1.0
 * @category api
 */
export class HrApi extends HttpApi.make("hr").add(Employees) {}
