import type {Plugin} from 'esbuild';

export declare const fastStringWidth: Plugin;
export declare const fastStyledChars: Plugin;
export declare const inkFastPaths: Plugin[];
