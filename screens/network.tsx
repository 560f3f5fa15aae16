import {Box, Text} from 'ink';
import {defaults} from '../source/core/plan/defaults.js';
import {endpointKinds, type EndpointKind} from '../source/core/plan/endpoint.js';
import type {Finding} from '../source/core/validate/finding.js';
import {stepBlockers, type NetworkField, type NetworkInputs} from './app-state.js';
import {Choice} from './components/choice.js';
import {ContinueLine} from './components/continue-line.js';
import {FindingList} from './components/finding-lines.js';
import {
  focusAt,
  formFocusReducer,
  type FormFocus,
  type FormFocusAction,
  type RowKind,
} from './components/form-focus.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {Frame, type KeyHint} from './components/frame.js';
import {isContinueKey, isQuitKey, useKeys} from './components/keys.js';
import type {Size} from './components/layout.js';
import {SelectList} from './components/select-list.js';
import {textEditFor, type TextEdit} from './components/text-edit.js';
import {TextField} from './components/text-field.js';
import {wrapWords} from './components/text.js';
import {endpointTexts} from './endpoint-text.js';

interface FieldSpec {
  readonly field: NetworkField;
  readonly label: string;
  /** One sentence shown under the form while the field is highlighted. */
  readonly help: string;
}

export const networkFields: readonly FieldSpec[] = [
  {
    field: 'vip',
    label: 'VIP',
    help: `The API endpoint: every control plane holds it and advertises it as a /32 route. Default ${defaults.vip}.`,
  },
  {field: 'podCidr', label: 'Pod CIDR', help: `Addresses for pods. Default ${defaults.podCidr}.`},
  {
    field: 'serviceCidr',
    label: 'Service CIDR',
    help: `Addresses for ClusterIP services. Default ${defaults.serviceCidr}.`,
  },
  {
    field: 'kubernetesVersion',
    label: 'Kubernetes',
    help: `The kubeadm/Kubernetes minor version, X.Y or X.Y.Z. Default ${defaults.kubernetesVersion}.`,
  },
  {
    field: 'clusterName',
    label: 'Cluster name',
    help: 'Names the cluster, its kubeconfig context and the output folder.',
  },
];

// Row 0 is the endpoint (a choice), then the text fields, then Continue. The
// focus starts on the VIP: most people keep the default endpoint.
const endpointRow = 0;
const fieldRow = (index: number) => index + 1;
const kinds: readonly RowKind[] = ['choice', ...networkFields.map(() => 'text' as const), 'action'];
const continueRow = kinds.length - 1;
const labelWidth = 16;

const endpointOptions = endpointKinds.map((kind) => ({
  value: kind,
  label: endpointTexts[kind].label,
  help: endpointTexts[kind].note,
}));

/** The form's focus, and whether the list of endpoints is open (it then owns the keyboard). */
interface NetworkScreenState {
  readonly focus: FormFocus;
  readonly picking: boolean;
  /** The option the open list highlights: its explanation shows under the form. */
  readonly highlighted: EndpointKind | undefined;
}

type NetworkScreenAction =
  | {readonly type: 'focus'; readonly action: FormFocusAction}
  | {readonly type: 'pick'; readonly open: boolean}
  | {readonly type: 'highlight'; readonly endpoint: EndpointKind};

const networkScreenReducer = (
  state: NetworkScreenState,
  action: NetworkScreenAction,
): NetworkScreenState => {
  switch (action.type) {
    case 'focus': {
      const focus = formFocusReducer(state.focus, action.action);
      return focus === state.focus ? state : {...state, focus};
    }
    case 'pick':
      return state.picking === action.open
        ? state
        : {...state, picking: action.open, highlighted: undefined};
    case 'highlight':
      return state.picking ? {...state, highlighted: action.endpoint} : state;
  }
};

export interface NetworkScreenProps {
  readonly size: Size;
  readonly inputs: NetworkInputs;
  readonly endpoint: EndpointKind;
  /** Findings about this screen's fields, from `validatePlan`; each shows under its field. */
  readonly findings: readonly Finding[];
  /** This screen owns the keyboard. */
  readonly isActive: boolean;
  readonly onEdit: (field: NetworkField, edit: TextEdit) => void;
  /** Enter on an option of the endpoint list. */
  readonly onSetEndpoint: (endpoint: EndpointKind) => void;
  /** ← / → on the Endpoint row. */
  readonly onCycleEndpoint: (delta: number) => void;
  /**
   * Asks to move on. The app validates the latest inputs (which may be newer
   * than this render's findings) and moves on unless errors block; it returns
   * those blocking errors, empty when it moved on.
   */
  readonly onContinue: () => readonly Finding[];
  readonly onBack: () => void;
  readonly onQuit: () => void;
}

const editingKeys: readonly KeyHint[] = [
  ['Tab/↓', 'next'],
  ['↑', 'previous'],
  ['Enter', 'next'],
  ['Ctrl-U', 'clear'],
  ['Esc', 'leave field'],
  ['Ctrl-C', 'quit'],
];
const navigationKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['Enter', 'edit'],
  ['Esc', 'back'],
  ['q', 'quit'],
];
const endpointKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['←→', 'endpoint'],
  ['Enter', 'list'],
  ['Esc', 'back'],
  ['q', 'quit'],
];
const pickingKeys: readonly KeyHint[] = [
  ['↑↓', 'move'],
  ['Enter', 'choose'],
  ['Esc', 'keep as it was'],
  ['Ctrl-C', 'quit'],
];
const continueKeys: readonly KeyHint[] = [
  ['Enter/→', 'continue'],
  ['↑', 'fields'],
  ['Esc', 'back'],
  ['q', 'quit'],
];

/**
 * Step 3: the endpoint, VIP, CIDRs, version and name. Validation runs on every
 * keystroke (in the app, from the core), for the chosen endpoint.
 */
export const NetworkScreen = ({
  size,
  inputs,
  endpoint,
  findings,
  isActive,
  onEdit,
  onSetEndpoint,
  onCycleEndpoint,
  onContinue,
  onBack,
  onQuit,
}: NetworkScreenProps) => {
  const [state, dispatch, stateRef] = useSyncReducer(networkScreenReducer, () => ({
    focus: focusAt(fieldRow(0), kinds),
    picking: false,
    highlighted: undefined,
  }));
  const {focus, picking} = state;
  const blockers = stepBlockers('network', findings);
  const move = (action: FormFocusAction) => dispatch({type: 'focus', action});

  useKeys(
    (input, key) => {
      // The state as of the previous key, even if React has not rendered since.
      const {focus: at, picking: open} = stateRef.current;
      // The list owns ↑↓ and Enter while open; Esc closes it unchanged.
      if (open) {
        if (key.escape) dispatch({type: 'pick', open: false});
        return;
      }
      const field = networkFields[at.row - fieldRow(0)];
      if (at.editing && field) {
        if (key.escape) move({type: 'leave'});
        else if (key.tab) move({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
        else if (key.downArrow || key.return) move({type: 'move', delta: 1, kinds});
        else if (key.upArrow) move({type: 'move', delta: -1, kinds});
        else {
          const edit = textEditFor(input, key);
          if (edit) onEdit(field.field, edit);
        }
        return;
      }
      if (key.escape) onBack();
      else if (isQuitKey(input, key)) onQuit();
      else if (key.tab) move({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
      else if (key.downArrow) move({type: 'move', delta: 1, kinds});
      else if (key.upArrow) move({type: 'move', delta: -1, kinds});
      else if (at.row === endpointRow && (key.leftArrow || key.rightArrow || input === ' '))
        onCycleEndpoint(key.leftArrow ? -1 : 1);
      else if (at.row === endpointRow && key.return) dispatch({type: 'pick', open: true});
      else if (at.row === continueRow && isContinueKey(key)) {
        onContinue();
      } else if (key.return) move({type: 'edit', kinds});
    },
    {isActive, onQuit},
  );

  const width = size.columns;
  const onEndpoint = focus.row === endpointRow;
  const current = networkFields[focus.row - fieldRow(0)];
  const help = onEndpoint
    ? endpointTexts[(picking ? state.highlighted : undefined) ?? endpoint].explanation
    : current?.field === 'vip'
      ? endpointTexts[endpoint].vipHelp
      : current?.help;
  const keys = picking
    ? pickingKeys
    : focus.editing
      ? editingKeys
      : onEndpoint
        ? endpointKeys
        : focus.row === continueRow
          ? continueKeys
          : navigationKeys;
  return (
    <Frame size={size} step="network" keys={keys}>
      <Text wrap="truncate-end" dimColor>
        The cluster&apos;s addresses. Each field is checked as you type.
      </Text>
      <Choice
        label="Endpoint"
        options={endpointOptions}
        value={endpoint}
        isHighlighted={onEndpoint}
        labelWidth={labelWidth}
      />
      {picking ? (
        <SelectList
          options={endpointOptions}
          initial={endpoint}
          isFocused={isActive}
          labelWidth={22}
          indent={2 + labelWidth}
          onSelect={(kind) => {
            onSetEndpoint(kind);
            dispatch({type: 'pick', open: false});
          }}
          onHighlight={(kind) => dispatch({type: 'highlight', endpoint: kind})}
        />
      ) : null}
      {networkFields.map((spec, index) => (
        <Box key={spec.field} flexDirection="column">
          <TextField
            label={spec.label}
            value={inputs[spec.field]}
            isHighlighted={focus.row === fieldRow(index)}
            isEditing={focus.editing && focus.row === fieldRow(index)}
            labelWidth={labelWidth}
            width={width}
          />
          <FindingList
            findings={findings.filter((finding) => finding.field === spec.field)}
            width={width}
            indent={labelWidth + 2}
          />
        </Box>
      ))}
      <Text> </Text>
      <ContinueLine
        blockers={blockers}
        isHighlighted={focus.row === continueRow}
        label="Continue to Access"
      />
      <Text> </Text>
      {help
        ? wrapWords(help, width - 2).map((line, index) => (
            <Text key={index} dimColor wrap="truncate-end">
              {`  ${line}`}
            </Text>
          ))
        : null}
    </Frame>
  );
};
