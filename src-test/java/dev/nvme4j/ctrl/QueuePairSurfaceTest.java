package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.IoQueuePair;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue pair an application holds offers the API and nothing of the controller's hooks. */
@Timeout(60)
class QueuePairSurfaceTest {
    @Test
    void theApplicationsQueuePairOffersOnlyTheApi() {
        try (MockFixture f = MockFixture.defaults();
             IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL)) {
            Class<?> c = qp.getClass();
            assertFalse(Modifier.isPublic(c.getModifiers()), c + " cannot be named (and cast to) outside its package");
            List<String> extra = new ArrayList<>();
            for (Method m : c.getMethods()) {
                if (!isApi(m)) {
                    extra.add(m.getName());
                }
            }
            assertEquals(List.of(), extra, "public methods beyond IoQueuePair");
        }
    }

    private static boolean isApi(Method m) {
        for (Class<?> api : List.of(IoQueuePair.class, Object.class)) {
            try {
                api.getMethod(m.getName(), m.getParameterTypes());
                return true;
            } catch (NoSuchMethodException e) {
                // not declared there
            }
        }
        return false;
    }
}
