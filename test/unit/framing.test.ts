import { CALL, CALLERROR, CALLRESULT, FrameError, parseFrame } from '../../shared/ocpp/framing';

describe('parseFrame', () => {
  it('reads the three OCPP-J message types', () => {
    expect(parseFrame('[2,"a1","Heartbeat",{}]')).toEqual({ type: CALL, id: 'a1', action: 'Heartbeat', payload: {} });
    expect(parseFrame('[3,"a2",{"currentTime":"x"}]')).toEqual({ type: CALLRESULT, id: 'a2', payload: { currentTime: 'x' } });
    expect(parseFrame('[4,"a3","NotSupported","nope",{}]')).toEqual({ type: CALLERROR, id: 'a3', code: 'NotSupported', description: 'nope', details: {} });
  });

  const failure = (raw: string) => {
    try {
      parseFrame(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(FrameError);
      return { code: (e as FrameError).code, id: (e as FrameError).id };
    }
    throw new Error('expected a FrameError');
  };

  it('salvages the id of broken JSON so the sender can be answered', () => {
    expect(failure('[2,"abc","Heartbeat",{')).toEqual({ code: 'RpcFrameworkError', id: 'abc' });
    expect(failure('not json at all')).toEqual({ code: 'RpcFrameworkError', id: undefined });
  });

  it('names the fault of structurally wrong frames', () => {
    expect(failure('{"a":1}')).toEqual({ code: 'RpcFrameworkError', id: undefined });
    expect(failure('[2,"m1","Heartbeat"]')).toEqual({ code: 'FormatViolation', id: 'm1' }); // no payload: still answerable
    expect(failure('[2,"m1"]')).toEqual({ code: 'RpcFrameworkError', id: 'm1' });
    expect(failure('[2,"m1","Heartbeat",[]]')).toEqual({ code: 'FormatViolation', id: 'm1' });
    expect(failure('[2,"m1","Heartbeat","x"]')).toEqual({ code: 'FormatViolation', id: 'm1' });
    expect(failure('[2,"m1",7,{}]')).toEqual({ code: 'RpcFrameworkError', id: 'm1' });
    expect(failure('[9,"m1","Heartbeat",{}]')).toEqual({ code: 'MessageTypeNotSupported', id: 'm1' });
    expect(failure('[2,42,"Heartbeat",{}]')).toEqual({ code: 'RpcFrameworkError', id: undefined });
  });

  it('answers an over-long id under that id but refuses it', () => {
    const id = 'x'.repeat(37);
    expect(failure(`[2,"${id}","Heartbeat",{}]`)).toEqual({ code: 'RpcFrameworkError', id });
  });
});

describe('OCPP 2.1 message types 5 and 6', () => {
  const { parseFrame: parse } = require('../../shared/ocpp/framing') as typeof import('../../shared/ocpp/framing');
  it('parses SEND and CALLRESULTERROR only on 2.1 connections', () => {
    expect(parse('[6,"s1","NotifyPeriodicEventStream",{"id":1}]', true)).toEqual({ type: 6, id: 's1', action: 'NotifyPeriodicEventStream', payload: { id: 1 } });
    expect(parse('[5,"r1","FormatViolation","bad",{}]', true)).toEqual({ type: 5, id: 'r1', code: 'FormatViolation', description: 'bad', details: {} });
    expect(() => parse('[6,"s1","NotifyPeriodicEventStream",{}]')).toThrow(expect.objectContaining({ code: 'MessageTypeNotSupported', unanswerable: false }));
  });
  it('marks every broken SEND / CALLRESULTERROR unanswerable', () => {
    for (const raw of ['[6,"s1","X"]', '[6,"s1","X",[]]', '[6,"s1",7,{}]', '[6,1,"X",{}]', '[5,"r"]', '[6,"s1","X",{']) {
      expect(() => parse(raw, true)).toThrow(expect.objectContaining({ unanswerable: true }));
    }
  });
});
