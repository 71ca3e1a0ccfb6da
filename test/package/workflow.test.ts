// The Windows workflow cannot run here: scripts/check-workflow.mjs parses it (yaml) and checks it. This runs the
// check on the real file, and on copies with one mistake each, which it must catch.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/helpers';

const CHECK = join(ROOT, 'scripts', 'check-workflow.mjs');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'windows.yml');
const original = readFileSync(WORKFLOW, 'utf8');
const tmp = tempDir('workflow');
afterAll(() => tmp.cleanup());

function check(...files: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CHECK, ...files], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function mutated(name: string, edit: (text: string) => string): string {
  const text = edit(original);
  expect(text, `the mutation ${name} changed nothing`).not.toBe(original);
  return tmp.file(`${name}.yml`, text);
}

describe('scripts/check-workflow.mjs', () => {
  it('passes the Windows workflow as it is', () => {
    const r = check();
    expect(r.out).toMatch(/windows\.yml: ok \(\d+ jobs, \d+ steps\)/);
    expect(r.code).toBe(0);
  });

  it.each<[string, (t: string) => string, RegExp]>([
    ['matrix-typo', (t) => t.replace('--arch ${{ matrix.arch }}', '--arch ${{ matrix.archh }}'), /matrix\.archh is not in the job's matrix/],
    ['ia32-claimed', (t) => t.replace(/( {10}- runner: windows-2022\n {12}arch: x64\n {12}node-arch: x64\n)/, '$1          - runner: windows-2022\n            arch: ia32\n            node-arch: x86\n'), /builds a prebuild for ia32, which nothing tests/],
    ['linux-runner', (t) => t.replace('runs-on: windows-2022\n    timeout-minutes: 20', 'runs-on: ubuntu-latest\n    timeout-minutes: 20'), /runs on "ubuntu-latest", not a Windows runner/],
    ['old-action', (t) => t.replace('actions/upload-artifact@v4', 'actions/upload-artifact@v3'), /actions\/upload-artifact@v3 is older than v4/],
    ['unpinned', (t) => t.replace('actions/checkout@v4', 'actions/checkout@main'), /not pinned \(@main\)/],
    ['bad-input', (t) => t.replace('if-no-files-found: error', 'if_no_files_found: error'), /has no input 'if_no_files_found'/],
    ['missing-script', (t) => t.replace('npm run prebuildify --', 'npm run prebuildfy --'), /npm run prebuildfy: package.json has no such script/],
    ['duplicate-key', (t) => t.replace('    timeout-minutes: 30\n', '    timeout-minutes: 30\n    timeout-minutes: 40\n'), /YAML: Map keys must be unique/],
    ['bad-yaml', (t) => t.replace('jobs:\n  proven:\n', 'jobs:\n  proven:\n\t'), /YAML/],
    ['needs-typo', (t) => t.replace('needs: proven\n    runs-on: ${{ matrix.runner }}', 'needs: provn\n    runs-on: ${{ matrix.runner }}'), /needs 'provn', which is not a job/],
    ['may-be-empty', (t) => t.replace(/path: prebuilds\/\n {10}if-no-files-found: error\n {10}retention-days: 30/, 'path: prebuilds/\n          retention-days: 30'), /uploads prebuilds\/ without if-no-files-found: error/],
    ['no-native-tests', (t) => t.replace("WINOPS_NATIVE_TESTS: '1'", "WINOPS_NATIVE_TESTS: '0'"), /no job runs `npm test` with WINOPS_NATIVE_TESTS=1/],
    ['old-node', (t) => t.replace('node: [20, 22]', 'node: [18, 22]'), /node 18 is below engines\.node/],
    ['uses-and-run', (t) => t.replace('      - name: Install\n        run: npm ci --ignore-scripts\n      - uses: actions/download-artifact@v4', '      - name: Install\n        uses: actions/cache@v4\n        run: npm ci --ignore-scripts\n      - uses: actions/download-artifact@v4'), /must have exactly one of uses and run/],
    ['unbalanced', (t) => t.replace('group: windows-${{ github.ref }}', 'group: windows').replace('name: msvc win32-${{ matrix.arch }}', 'name: msvc win32-${{ matrix.arch }'), /unbalanced \$\{\{ \}\}/],
    ['no-elevation-check', (t) => t.replace('IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)', 'IsInRole("Users")'), /does not check that it runs elevated/],
    ['shell-mixup', (t) => t.replace('      - name: Detect the Windows ADK\'s Assessment Toolkit (AXE)\n        shell: pwsh', '      - name: Detect the Windows ADK\'s Assessment Toolkit (AXE)\n        shell: bash'), /PowerShell in a 'bash' step/],
    ['missing-file', (t) => t.replace('node bin/winops.js explain 0x80042306', 'node bin/winops-cli.js explain 0x80042306'), /bin\/winops-cli\.js does not exist/],
    // The bytes that ship: the Windows jobs test the tarball the proving ground made, never a build of their own.
    ['tests-msvc-build', (t) => t.replace('needs: proven\n    runs-on: ${{ matrix.runner }}', 'needs: [proven, msvc]\n    runs-on: ${{ matrix.runner }}'), /job test tests the MSVC build instead of the proven bytes/],
    ['no-proving-ground', (t) => t.replace('run: sudo -E env "PATH=$PATH" CI=true bash .ci/run </dev/null', 'run: npm test'), /no job runs the proving ground \(bash \.ci\/run\)/],
    ['proving-ground-on-windows', (t) => t.replace('runs-on: ubuntu-24.04', 'runs-on: windows-2022'), /runs on "windows-2022", not a Linux runner \(it runs \.ci\/run\)/],
    ['unchecked-prebuild', (t) => t.replace('          node scripts/prebuild.mjs check\n', ''), /does not unpack the tarball's prebuild into prebuilds\/ and check it against its manifest/],
    ['install-scripts-run', (t) => t.replace('npm install --ignore-scripts $tarball', 'npm install $tarball'), /no job installs the proven tarball with npm install --ignore-scripts/],
    ['publish-untested', (t) => t.replace('needs: [proven, test, package]', 'needs: [proven]'), /publish does not need test \(it would publish untested bytes\)/],
  ])('catches %s', (name, edit, message) => {
    const r = check(mutated(name, edit));
    expect(r.out).toMatch(message);
    expect(r.code).toBe(1);
  });
});
