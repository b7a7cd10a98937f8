// The cases of Names.test.ts: acting by name hits exactly one, named user or group across user
// stores, and Groups.ensureMember after a lost answer.
import type { CaseInfo } from "./catalog.js"

const rule = "one lookup rule (directory internal/resolve.ts)"

export const namesCases: ReadonlyArray<CaseInfo> = [
  {
    id: "names.qualified-store",
    what: "findByUserName / users delete of PARTNERS/kim while DEFAULT and PARTNERS both hold kim",
    guarantee: `${rule}: domain parameter sent, the store of every returned name checked`
  },
  {
    id: "names.bare-default-store",
    what: "a bare name with the same name in two stores, and a name held only by PARTNERS",
    guarantee: `${rule}: a bare name means the default store only`
  },
  {
    id: "names.all-stores-ambiguous",
    what: "allStores lookups of a name held by two stores, and by one",
    guarantee: `${rule}: two matches fail with AmbiguousUser/AmbiguousGroup listing the candidates; never a guess`
  },
  {
    id: "names.ensure-default-store",
    what: "Users.ensure and onboardEmployee of kim@example.com when PARTNERS/kim exists (409, create never arrived)",
    guarantee: "prepareCreate and the lookup share defaultUserStore; ensure looks up by the same rule"
  },
  {
    id: "names.default-store-config",
    what: "defaultUserStore PARTNERS: create, ensure, lookups and group creation of bare names",
    guarantee: "AsgardeoConfig.defaultUserStore used by prepareCreate, Groups.create and every lookup"
  },
  {
    id: "names.group-store",
    what: "findByName, ensureMember and role groups with Engineering and HR-Managers in DEFAULT and PARTNERS",
    guarantee: `${rule}: groups follow the users' rule (AmbiguousGroup)`
  },
  {
    id: "names.server-ignores-domain",
    what: "a server that ignores the domain parameter (emulator quirk ignoreDomainParameter)",
    guarantee: `${rule}: the store of each returned name is checked, never trusted to the server`
  },
  {
    id: "lost.ensure-member",
    what: "Groups.ensureMember whose POST /Groups answer is lost, or whose member PATCH answers are all lost",
    guarantee: "ensureMember looks again by the same rule: success when the group exists with the member"
  },
  {
    id: "lost.assign-user-role",
    what: "HrDirectory.assignUserRole whose POST /Groups answer is lost",
    guarantee: "assignUserRole goes through Groups.ensureMember"
  }
]
