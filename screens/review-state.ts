import {applyEdit, type TextEdit} from './components/text-edit.js';

/** Writing the artifacts to a folder, from the Review screen. */
export type WriteState =
  | {readonly kind: 'idle'}
  /** The path field is open. */
  | {readonly kind: 'editing'; readonly path: string}
  | {readonly kind: 'writing'; readonly path: string}
  | {readonly kind: 'written'; readonly message: string}
  | {readonly kind: 'failed'; readonly message: string}
  /** `w` was pressed while errors block writing. */
  | {readonly kind: 'refused'};

export interface ReviewState {
  /** Index into the documents: 0 is the plan, then one per artifact. */
  readonly document: number;
  /** First visible line of the current document. */
  readonly scroll: number;
  readonly write: WriteState;
}

export type ReviewAction =
  | {readonly type: 'cycle-document'; readonly delta: number; readonly count: number}
  | {readonly type: 'scroll'; readonly delta: number; readonly max: number}
  | {readonly type: 'scroll-to'; readonly line: number; readonly max: number}
  | {readonly type: 'open-write'; readonly path: string}
  | {readonly type: 'edit-path'; readonly edit: TextEdit}
  | {readonly type: 'cancel-write'}
  | {readonly type: 'refuse-write'}
  | {readonly type: 'writing'}
  | {readonly type: 'written'; readonly message: string}
  | {readonly type: 'failed'; readonly message: string};

export const initialReviewState: ReviewState = {document: 0, scroll: 0, write: {kind: 'idle'}};

const within = (value: number, max: number): number =>
  Math.min(Math.max(value, 0), Math.max(max, 0));

export const reviewReducer = (state: ReviewState, action: ReviewAction): ReviewState => {
  switch (action.type) {
    case 'cycle-document': {
      if (action.count <= 0) return state;
      const document =
        (((state.document + action.delta) % action.count) + action.count) % action.count;
      return {...state, document, scroll: 0};
    }
    case 'scroll':
      return {...state, scroll: within(state.scroll + action.delta, action.max)};
    case 'scroll-to':
      return {...state, scroll: within(action.line, action.max)};
    case 'open-write':
      return {...state, write: {kind: 'editing', path: action.path}};
    case 'edit-path':
      return state.write.kind === 'editing'
        ? {...state, write: {kind: 'editing', path: applyEdit(state.write.path, action.edit)}}
        : state;
    case 'cancel-write':
      return state.write.kind === 'editing' ? {...state, write: {kind: 'idle'}} : state;
    case 'refuse-write':
      return {...state, write: {kind: 'refused'}};
    case 'writing':
      return state.write.kind === 'editing'
        ? {...state, write: {kind: 'writing', path: state.write.path}}
        : state;
    case 'written':
      return {...state, write: {kind: 'written', message: action.message}};
    case 'failed':
      return {...state, write: {kind: 'failed', message: action.message}};
  }
};

/** The message of whatever `writeArtifacts` rejected with, as one line. */
export const errorMessage = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.trim() || 'writing failed';
};
