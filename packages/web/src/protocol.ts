/**
 * What the page and the engine worker say to each other, and what `netpol serve` / `netpol
 * report` hand the page. Plain data only: everything here crosses postMessage or JSON.
 */

export interface InputFile {
  /** As the CLI names the source (the path the user gave), so reasons cite the same `file:line`. */
  name: string;
  text: string;
}

/** The page's input: `/api/input` under `serve`, an inline JSON script in a report. */
export interface AppInput {
  mode: 'serve' | 'report';
  files: InputFile[];
  /** `serve --base PATH`: the version the Diff view compares against. */
  base?: InputFile[];
  /** The paths as given (`--base PATH`, `-f PATH`): the Diff export names them as `netpol diff BASE HEAD` does. */
  baseName?: string;
  headName?: string;
  /** `-n`: the namespace of bare names and of objects that name none. */
  namespace: string;
  /** Only `serve` writes, and only when the user presses Save. */
  canSave: boolean;
  /** Bumped by `serve` when an input file changes on disk. */
  version: number;
}

export interface IssueView {
  file: string;
  /** Offsets into the file's text (absent for issues without a position). */
  from?: number;
  to?: number;
  line?: number;
  col?: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  path: string;
  message: string;
  /** `validate` (load/validation) or `lint`. */
  source: 'validate' | 'lint';
}

export interface EndpointView {
  /** As `matrix` and `check` name it: `ns/pod` or `ns/name[Kind]`. */
  id: string;
  namespace: string;
  name: string;
  kind: string;
  labels: Record<string, string>;
  /** Some policy selects it for ingress / egress. */
  ingressIsolated: boolean;
  egressIsolated: boolean;
  /** Replicas (1 for a bare pod). */
  pods: number;
}

export interface PolicyView {
  id: string;
  namespace: string;
  name: string;
  /** Its source (the line comes from `locate`: thousands of positions cost seconds). */
  file?: string;
  enabled: boolean;
}

/** An admin or baseline tier policy (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy). */
export interface AdminPolicyView {
  /** `ClusterNetworkPolicy/name`: what toggles (`off`) and selections (`policy:ID`) name. */
  id: string;
  kind: string;
  name: string;
  tier: 'admin' | 'baseline';
  /** 0–1000, lower first; a BaselineAdminNetworkPolicy has none. */
  priority?: number;
  /** `ClusterNetworkPolicy x (priority 10)`, as check and explain name it. */
  title: string;
  file?: string;
  enabled: boolean;
}

export interface AdminRuleView {
  direction: 'ingress' | 'egress';
  index: number;
  name?: string;
  action: string;
  /** `Deny to every pod in namespaces kubernetes.io/metadata.name=kube-system, on every port`: explain's words. */
  text: string;
  file?: string;
  line?: number;
  /** `matches 2 pods: a, b; outside addresses can match`. */
  matches: string;
  pods: string[];
}

export interface ConnectionChangeView {
  from: string;
  to: string;
  protocol: string;
  /** As `netpol diff` words them: `80/TCP, 443/TCP`, `every TCP port`, `every TCP port except 80`. */
  ports: string;
  spans: [number, number][];
}

export interface DiffView {
  opened: ConnectionChangeView[];
  closed: ConnectionChangeView[];
  policies: { added: string[]; removed: string[]; changed: string[] };
  /** What neither version analyzed but differs (Helm templates, other engines' policies): `netpol diff`'s "Not analyzed". */
  unanalyzed?: { change: 'added' | 'removed' | 'changed'; file: string; what: string }[];
}

export interface Summary {
  /** Load and validation succeeded (errors leave the invalid objects out of the model). */
  ok: boolean;
  /**
   * The input files' names. Their texts are not here (a 10k-pod file is megabytes, and a
   * summary follows every edit): the editor asks for the one it opens (`text`).
   */
  fileNames: string[];
  /** Load and validation issues (lint findings come from the `lint` request). */
  issues: IssueView[];
  endpoints: EndpointView[];
  namespaces: string[];
  /** Matrix ports, as `80/TCP`. */
  ports: string[];
  /** The port shown when the URL names none: the one the policies' rules name most (`preferredPort`). */
  preferredPort?: string;
  policies: PolicyView[];
  /** The admin and baseline tier policies, in the order they are consulted (absent when the input has none). */
  adminPolicies?: AdminPolicyView[];
  /** What the edits and toggles open and close, against the input as loaded. */
  whatIf?: DiffView;
  /** Files edited in the page and not yet saved. */
  dirty: string[];
  /**
   * An edit's, toggle's or revert's answer: the matrix of the port the page asked last, for
   * this state, when it was quick to find (kept, or only the changed rows and columns asked
   * again), so the page shows the what-if and its matrix at once.
   */
  matrix?: MatrixBits;
}

/** A text's characters from `from` to `to` replaced by `insert`. */
export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

/** An unsaved edit as a patch of the input file: its text from `from` to `to` replaced by `insert`. */
export interface EditPatch extends TextChange {
  file: string;
}

/**
 * An edit of a file as the changes the editor made (CodeMirror's ChangeSet), not its whole text
 * (3 MB on the one-file 10k-pod cluster, cloned twice per keystroke): changes of the text the
 * worker holds, in its coordinates, sorted and apart. `length`: that text's length; `base`: the
 * id of the request that made it (a `load`, `revert`, `edit` or `change`). The worker refuses
 * changes whose text it no longer holds (`OUT_OF_STEP`), and the page sends the whole text.
 */
export interface ChangeRequest {
  op: 'change';
  file: string;
  changes: TextChange[];
  length: number;
  base: number;
}

/** The start of the error a `change` is refused with: the page sends the whole text instead. */
export const OUT_OF_STEP = 'out of step:';

export interface MatrixBits {
  port: string;
  n: number;
  rowWords: number;
  /** Row i, bit j: endpoint i may open a connection to endpoint j. */
  bits: Uint32Array;
}

/** The Matrix view's pod level: every pod of some endpoints (rows) by every pod of others (columns). */
export interface PodMatrix {
  port: string;
  /** Pod ids (`ns/pod`), each with the endpoint it belongs to (a workload's id, or its own). */
  rows: { id: string; owner: string }[];
  cols: { id: string; owner: string }[];
  /** Row i, bit j (of cols): pod i may open a connection to pod j. */
  rowWords: number;
  bits: Uint32Array;
}

export interface CheckAnswer {
  ok: boolean;
  allowed?: boolean;
  /** `web/frontend -> shop/backend on 80/TCP`. */
  headline?: string;
  /** The reason lines of `netpol check`, as printed. */
  lines?: string[];
  /** `netpol check -o json`. */
  json?: unknown;
  /** Why the question could not be asked (unknown endpoint, bad port). */
  message?: string;
}

export interface RuleView {
  policy: string;
  direction: 'ingress' | 'egress';
  index: number;
  /** The rule as `netpol explain` words it (without its from/to word). */
  text: string;
  file?: string;
  line?: number;
  /** What the rule's peers match (`matches 2 pods: a, b; outside addresses can match`, `netpol explain`'s words). */
  peers?: { pods: string[]; matches: string };
  /** A rule naming the selected pod as a peer: the pods at the rule's own end (its peers are not listed). */
  selects?: string[];
}

export interface PodSideView {
  isolated: boolean;
  selectedBy: string[];
  /** The rules of the isolating policies that admit anything to (from) the pod. */
  rules: RuleView[];
  /** Rules of the isolating policies left out: they admit nothing to (from) it. */
  leftOut: number;
  /** Rules of other policies whose peers match it (egress rules towards it, ingress rules admitting it). */
  asPeer: RuleView[];
}

export type SelectionView =
  | {
      kind: 'pod';
      id: string;
      ingress: PodSideView;
      egress: PodSideView;
      /**
       * The admin and baseline tier policies selecting it, in the order they are consulted
       * (absent when the input has none): `ClusterNetworkPolicy x (priority 10)` as explain says.
       */
      admin?: {
        /** `ClusterNetworkPolicy/name`: selecting it shows the policy. */
        id: string;
        tier: 'admin' | 'baseline';
        name: string;
        rules: string;
        file?: string;
        line?: number;
      }[];
    }
  | {
      kind: 'policy';
      id: string;
      selector: string;
      selects: string[];
      ingress: { isolates: boolean; rules: RuleView[] };
      egress: { isolates: boolean; rules: RuleView[] };
    }
  | {
      /** An admin or baseline tier policy, as `netpol explain --policy cnp/NAME` words it. */
      kind: 'admin';
      id: string;
      title: string;
      /** `admin tier: before NetworkPolicies`. */
      tier: string;
      file?: string;
      line?: number;
      subject: string;
      selects: string[];
      ingress: { words: string; rules: AdminRuleView[] };
      egress: { words: string; rules: AdminRuleView[] };
    }
  | { kind: 'none'; id: string; message: string };

export type MatrixExportFormat = 'csv' | 'md' | 'json';

/** `netpol diff -o md|json`. */
export type DiffExportFormat = 'md' | 'json';

/** Requests the page sends; each answers with `{ id, result }` or `{ id, error }`. */
export type Request =
  | { op: 'load'; input: AppInput }
  | { op: 'edit'; file: string; text: string }
  | ChangeRequest
  | { op: 'toggle'; policy: string; enabled: boolean }
  | { op: 'revert' }
  | { op: 'matrix'; port: string }
  | { op: 'podMatrix'; port: string; rows: string[]; cols: string[] }
  | { op: 'check'; from: string; to: string; port: string }
  | { op: 'select'; kind: 'pod' | 'policy'; id: string }
  | { op: 'export'; format: MatrixExportFormat }
  | { op: 'diffBase' }
  | { op: 'exportDiff'; format: DiffExportFormat }
  | { op: 'lint' }
  | { op: 'lessons' }
  | { op: 'lesson'; id: string }
  | { op: 'verify'; id: string; answer: string }
  | { op: 'locate'; policy: string }
  | { op: 'text'; file: string }
  /** The editor opened `file`: the worker runs the edit path ahead, idle before the user types (answers null). */
  | { op: 'editorOpened'; file: string }
  | { op: 'edited' }
  | { op: 'patches' };
