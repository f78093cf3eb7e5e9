import * as path from 'path';
import { HostComponent } from '../../../lib/host/host-component';
import { FIXTURES, REPOSITORY } from '../../fixtures/cdk';

describe('HostComponent', () => {
  test('built-in components read assets/components/<name>.sh and .check.sh, default order fixed', () => {
    const components = HostComponent.defaults();
    expect(components.map((component) => component.name)).toEqual(['lab-tools', 'docker-engine', 'open-vswitch', 'pipework', 'lab-images']);
    for (const component of components) {
      expect(component.installScript).toBe(path.resolve(REPOSITORY, 'assets', 'components', `${component.name}.sh`));
      expect(component.checkScript).toBe(path.resolve(REPOSITORY, 'assets', 'components', `${component.name}.check.sh`));
    }
    expect(HostComponent.openVSwitch().name).toBe('open-vswitch');
  });

  test('fromScript: own scripts, check optional', () => {
    const component = HostComponent.fromScript({ name: 'demo', installScript: path.join(FIXTURES, 'components', 'demo.sh'), description: 'A demo' });
    expect(component).toMatchObject({ name: 'demo', description: 'A demo', checkScript: undefined });
  });

  test.each(['Demo', 'demo_tool', '-demo', 'demo--tool', 'demo-', ''])('rejects the name %j', (name) => {
    expect(() => HostComponent.fromScript({ name, installScript: path.join(FIXTURES, 'components', 'demo.sh') }))
      .toThrow(`HostComponent: 'name' is ${JSON.stringify(name)}; allowed:`);
  });

  test('rejects missing scripts, naming the prop', () => {
    expect(() => HostComponent.fromScript({ name: 'demo', installScript: '/nonexistent/demo.sh' }))
      .toThrow("HostComponent demo: 'installScript' /nonexistent/demo.sh does not exist");
    expect(() => HostComponent.fromScript({ name: 'demo', installScript: path.join(FIXTURES, 'components', 'demo.sh'), checkScript: FIXTURES }))
      .toThrow("'checkScript'");
  });
});
