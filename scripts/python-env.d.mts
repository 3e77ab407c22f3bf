/** Path of the venv's interpreter (POSIX and Windows layouts). */
export function venvPython(root: string): string;
/** Ensures `<root>/.venv` exists with packages/glue/requirements.txt installed; returns the venv's python path. */
export function ensurePythonEnv(root: string): Promise<string>;
