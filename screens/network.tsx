import {Box, Text} from 'ink';
import {defaults} from '../source/core/plan/defaults.js';
import type {Finding} from '../source/core/validate/finding.js';
import {stepBlockers, type NetworkField, type NetworkInputs} from './app-state.js';
import {ContinueLine} from './components/continue-line.js';
import {FindingList} from './components/finding-lines.js';
import {focusAt, formFocusReducer, type RowKind} from './components/form-focus.js';
import {useSyncReducer} from './components/use-sync-reducer.js';
import {Frame, type KeyHint} from './components/frame.js';
import {isContinueKey, isQuitKey, useKeys} from './components/keys.js';
import type {Size} from './components/layout.js';
import {textEditFor, type TextEdit} from './components/text-edit.js';
import {TextField} from './components/text-field.js';
import {wrapWords} from './components/text.js';

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

const kinds: readonly RowKind[] = [...networkFields.map(() => 'text' as const), 'action'];
const continueRow = networkFields.length;
const labelWidth = 16;

export interface NetworkScreenProps {
  readonly size: Size;
  readonly inputs: NetworkInputs;
  /** Findings about this screen's fields, from `validatePlan`; each shows under its field. */
  readonly findings: readonly Finding[];
  /** This screen owns the keyboard. */
  readonly isActive: boolean;
  readonly onEdit: (field: NetworkField, edit: TextEdit) => void;
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
const continueKeys: readonly KeyHint[] = [
  ['Enter/→', 'continue'],
  ['↑', 'fields'],
  ['Esc', 'back'],
  ['q', 'quit'],
];

/** Step 3: VIP, CIDRs, version and name. Validation runs on every keystroke (in the app, from the core). */
export const NetworkScreen = ({
  size,
  inputs,
  findings,
  isActive,
  onEdit,
  onContinue,
  onBack,
  onQuit,
}: NetworkScreenProps) => {
  const [focus, dispatch, focusRef] = useSyncReducer(formFocusReducer, () => focusAt(0, kinds));
  const blockers = stepBlockers('network', findings);
  const current = networkFields[focus.row];

  useKeys(
    (input, key) => {
      // The focus as of the previous key, even if React has not rendered since.
      const at = focusRef.current;
      const field = networkFields[at.row];
      if (at.editing && field) {
        if (key.escape) dispatch({type: 'leave'});
        else if (key.tab) dispatch({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
        else if (key.downArrow || key.return) dispatch({type: 'move', delta: 1, kinds});
        else if (key.upArrow) dispatch({type: 'move', delta: -1, kinds});
        else {
          const edit = textEditFor(input, key);
          if (edit) onEdit(field.field, edit);
        }
        return;
      }
      if (key.escape) onBack();
      else if (isQuitKey(input, key)) onQuit();
      else if (key.tab) dispatch({type: 'move', delta: key.shift ? -1 : 1, wrap: true, kinds});
      else if (key.downArrow) dispatch({type: 'move', delta: 1, kinds});
      else if (key.upArrow) dispatch({type: 'move', delta: -1, kinds});
      else if (at.row === continueRow && isContinueKey(key)) {
        onContinue();
      } else if (key.return) dispatch({type: 'edit', kinds});
    },
    {isActive, onQuit},
  );

  const width = size.columns;
  const keys = focus.editing
    ? editingKeys
    : focus.row === continueRow
      ? continueKeys
      : navigationKeys;
  return (
    <Frame size={size} step="network" keys={keys}>
      <Text wrap="truncate-end" dimColor>
        The cluster&apos;s addresses. Each field is checked as you type.
      </Text>
      <Text> </Text>
      {networkFields.map((spec, row) => (
        <Box key={spec.field} flexDirection="column">
          <TextField
            label={spec.label}
            value={inputs[spec.field]}
            isHighlighted={focus.row === row}
            isEditing={focus.editing && focus.row === row}
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
      {current
        ? wrapWords(current.help, width - 2).map((line, index) => (
            <Text key={index} dimColor wrap="truncate-end">
              {`  ${line}`}
            </Text>
          ))
        : null}
    </Frame>
  );
};
